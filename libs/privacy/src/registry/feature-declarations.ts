import type { ActivityDeclaration, RecipientDeclaration } from '../declarations.js';

/** What one module hands to `PrivacyModule.forFeature(...)`: found by the kernel at start-up. */
export class FeatureDeclarations {
  constructor(
    readonly activities: readonly ActivityDeclaration[],
    readonly recipients: readonly RecipientDeclaration[],
  ) {}
}
