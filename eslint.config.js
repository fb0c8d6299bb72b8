import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['packages/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // The query kit (packages/server/src/db/kit*) is the one place that writes LIKE and reads the
    // actor's shop list; everything else calls textMatch / scopeToShops / canSeeShop.
    files: ['packages/server/src/**/*.ts'],
    ignores: ['packages/server/src/db/kit.ts', 'packages/server/src/db/kit/**', 'packages/server/src/http/actor.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression > Literal[value=/^(not )?i?like$/i]',
          message: 'Raw LIKE: use textMatch / anyTextMatch from db/kit.ts (escapes _ % \\ on both dialects).',
        },
        {
          selector: "TaggedTemplateExpression[tag.name='sql'] TemplateElement[value.raw=/\\b(i?like|glob)\\b/i]",
          message: 'Raw LIKE in sql``: use textMatch / anyTextMatch from db/kit.ts.',
        },
        {
          selector:
            "MemberExpression[property.name='shopIds']:matches([object.name=/actor$/i], [object.property.name=/actor$/i], [object.expression.name=/actor$/i], [object.expression.property.name=/actor$/i])",
          message: 'Hand-written shop scoping: use scopeToShops / shopScope / canSeeShop / assertShopVisible from db/kit.ts.',
        },
      ],
    },
  },
);
