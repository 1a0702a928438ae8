/** The style sheets the pages use, from npm; the CDK bundle copies them to `assets/`. */
export const WEB_ASSETS = [
  { spec: '@utrecht/component-library-css/dist/index.css', file: 'utrecht.css' },
  { spec: '@utrecht/design-tokens/dist/index.css', file: 'tokens.css' },
] as const;
