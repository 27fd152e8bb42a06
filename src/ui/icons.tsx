// Small inline icons (no icon font: glyphs like ⏮ are missing from many system fonts).
const P = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'currentColor', 'aria-hidden': true } as const;

export const IconFirst = () => (
  <svg {...P}>
    <path d="M6 5h2v14H6zM20 5v14L9 12z" />
  </svg>
);
export const IconBack = () => (
  <svg {...P}>
    <path d="M18 5v14L7 12z" />
  </svg>
);
export const IconPlay = () => (
  <svg {...P}>
    <path d="M7 4v16l13-8z" />
  </svg>
);
export const IconPause = () => (
  <svg {...P}>
    <path d="M6 4h4v16H6zM14 4h4v16h-4z" />
  </svg>
);
export const IconForward = () => (
  <svg {...P}>
    <path d="M6 5v14l11-7zM17 5h2v14h-2z" />
  </svg>
);
export const IconUndo = () => (
  <svg {...P} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
    <path d="M9 14 4 9l5-5" />
    <path d="M4 9h11a5 5 0 0 1 0 10h-3" />
  </svg>
);
export const IconRedo = () => (
  <svg {...P} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
    <path d="m15 14 5-5-5-5" />
    <path d="M20 9H9a5 5 0 0 0 0 10h3" />
  </svg>
);
export const IconClose = () => (
  <svg {...P} fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round">
    <path d="M6 6l12 12M18 6 6 18" />
  </svg>
);
export const IconChevron = ({ open }: { open: boolean }) => (
  <svg {...P} style={{ transform: open ? 'rotate(90deg)' : undefined, verticalAlign: '-4px' }}>
    <path d="M9 6l6 6-6 6z" />
  </svg>
);
