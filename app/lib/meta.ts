/** "Members · Acme · Greenroom": the page first, the product last. */
export const pageTitle = (...parts: Array<string | null | undefined>) =>
  [...parts.filter(Boolean), "Greenroom"].join(" · ");
