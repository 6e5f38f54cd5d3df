// The part of highlight.js the tools use. Its own declarations pull in the DOM library
// (`/// <reference lib="dom" />`), which changes the types of web streams for every file
// type-checked together with them.
declare const hljs: {
  registerLanguage(name: string, language: unknown): void;
  highlight(code: string, options: { language: string; ignoreIllegals?: boolean }): {
    value: string;
  };
};
export default hljs;
