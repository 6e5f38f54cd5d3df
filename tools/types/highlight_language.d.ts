// A highlight.js language definition (see highlight.d.ts for why it is declared here).
declare const language: unknown;
export default language;
