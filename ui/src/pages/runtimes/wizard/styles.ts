import { makeStyles, tokens, typographyStyles } from '@fluentui/react-components';

/** The wizard's look, shared by its steps. */
export const useWizardStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  stepTitle: { ...typographyStyles.subtitle2, margin: 0 },
  card: { padding: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  nav: { display: 'flex', gap: tokens.spacingHorizontalS, justifyContent: 'flex-end', flexWrap: 'wrap' },
  instance: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  instanceRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  progress: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, flexGrow: 1 },
  problem: { color: tokens.colorPaletteRedForeground1 },
  indent: { marginLeft: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});
