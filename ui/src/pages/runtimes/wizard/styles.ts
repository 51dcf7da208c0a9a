import { makeStyles, tokens, typographyStyles } from '@fluentui/react-components';

/** The wizard's look, shared by its steps. */
export const useWizardStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  stepTitle: { ...typographyStyles.subtitle2, margin: 0 },
  // Visible overflow: a Card clips its content, which would stop the buttons' bar from sticking.
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, overflow: 'visible' },
  // Cancel, Back and Next stay at the foot of the window while a long step scrolls (a small or
  // zoomed window), so going on never takes a hunt.
  nav: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    justifyContent: 'flex-end',
    flexWrap: 'wrap',
    position: 'sticky',
    bottom: 0,
    margin: `0 calc(-1 * ${tokens.spacingHorizontalL})`,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  instance: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  instanceRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, flexGrow: 1 },
  problem: { color: tokens.colorPaletteRedForeground1 },
  // What does not block (idle shutdown not set, an instance still to start) reads in amber, as the
  // checklist's badges do, so a warning does not look like an error.
  caution: { color: tokens.colorPaletteDarkOrangeForeground1 },
  imageChecks: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  indent: { marginLeft: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});
