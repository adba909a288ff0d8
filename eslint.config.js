import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'test/setup/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Nest's DI needs the class itself at run time for constructor parameters: keep value imports there.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Module boundaries (docs/architecture.md): another module is reached only through its index.ts, and
    // the privacy kernel imports nothing from the application. Tests, scripts and benchmarks may reach in.
    files: ['src/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/elements': [
        { type: 'module', pattern: 'src/modules/*', capture: ['name'] },
        { type: 'app', pattern: 'src', partialMatch: false },
        { type: 'kernel', pattern: 'libs/privacy/src' },
        { type: 'core', pattern: 'libs/core/src' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              disallow: { to: { element: { type: 'module', fileInternalPath: '!index.ts' } } },
              message: 'import another module only through its index.ts (docs/architecture.md)',
            },
            {
              from: { element: { type: 'kernel' } },
              disallow: { to: { element: { types: { anyOf: ['app', 'module'] } } } },
              message: 'the privacy kernel imports nothing from src/',
            },
            {
              from: { element: { type: 'core' } },
              disallow: { to: { element: { types: { anyOf: ['app', 'module', 'kernel'] } } } },
              message: 'libs/core imports nothing from src/ or libs/privacy',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', globalThis: 'readonly' } },
  },
  prettier,
);
