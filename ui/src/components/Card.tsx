import type { HTMLAttributes } from 'react';
import { makeResetStyles, mergeClasses, tokens } from '@fluentui/react-components';

// Fluent's Card carries the styles of every appearance, size, orientation and of selectable
// and clickable cards (about 7 kB of JavaScript gzipped); the app only shows content in the
// plain one. This is that card, with Fluent's own rules and tokens, so it looks the same.
const useCardClass = makeResetStyles({
  display: 'flex',
  flexDirection: 'column',
  position: 'relative',
  boxSizing: 'border-box',
  overflow: 'hidden',
  padding: '12px',
  gap: '12px',
  borderRadius: tokens.borderRadiusMedium,
  color: tokens.colorNeutralForeground1,
  backgroundColor: tokens.colorNeutralBackground1,
  boxShadow: tokens.shadow4,
  // The border is drawn above the content; transparent, it still shows in forced colours.
  '::after': {
    content: '""',
    position: 'absolute',
    top: 0,
    right: 0,
    bottom: 0,
    left: 0,
    pointerEvents: 'none',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorTransparentStroke}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  '> .fui-CardHeader, > .fui-CardFooter': { flexShrink: 0 },
});

/** A card: a raised, rounded box whose children stack with a 12 px gap (Fluent's default Card). */
export function Card({ className, ...rest }: HTMLAttributes<HTMLDivElement>) {
  return <div role="group" {...rest} className={mergeClasses('fui-Card', useCardClass(), className)} />;
}
