import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { lintRegistry, type LintFinding } from '../lint/linter.js';
import { PRIVACY_OPTIONS, type PrivacyKernelOptions } from '../privacy.options.js';
import { DeclarationStore, type VersionInfo } from './declaration-store.js';
import { FeatureDeclarations } from './feature-declarations.js';
import { personalDataFields } from './personal-data.decorator.js';
import { ProcessingRegistry } from './registry.js';

export class InvalidDeclarationError extends Error {
  constructor(readonly findings: LintFinding[]) {
    const first = findings[0];
    const where = first.activity
      ? `activity "${first.activity}"`
      : first.recipient
        ? `recipient "${first.recipient}"`
        : 'registry';
    super(
      `Invalid processing declaration: ${where} breaks rule ${first.rule}: ${first.message}` +
        (findings.length > 1 ? ` (and ${findings.length - 1} more; run npm run privacy:lint)` : ''),
    );
    this.name = 'InvalidDeclarationError';
  }
}

/**
 * Discovers every declaration registered through `PrivacyModule.forFeature(...)`, refuses to start
 * on an invalid one (the linter's errors), and stores them versioned. Read-only afterwards.
 */
@Injectable()
export class PrivacyRegistryService implements OnModuleInit {
  private readonly logger = new Logger('PrivacyRegistry');
  private current?: ProcessingRegistry;
  private findings: LintFinding[] = [];
  private versionInfo = new Map<string, VersionInfo>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly store: DeclarationStore,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyKernelOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const registry = this.discover();
    this.findings = lintRegistry({
      activities: registry.activities(),
      recipients: registry.recipients(),
      personalDataFields: registry.personalDataFields,
    });
    const errors = this.findings.filter((f) => f.severity === 'error');
    if (errors.length > 0) throw new InvalidDeclarationError(errors);
    for (const warning of this.findings) this.logger.warn(`${warning.rule}: ${warning.message}`);
    this.current = registry;
    if (this.options.persistDeclarations !== false) {
      this.versionInfo = await this.store.sync(registry.activities(), registry.recipients());
    }
    this.logger.log(
      `processing registry: ${registry.activities().length} activities, ${registry.recipients().length} recipients`,
    );
  }

  /** Builds the registry from every FeatureDeclarations provider in the application. */
  discover(): ProcessingRegistry {
    const features = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is FeatureDeclarations => instance instanceof FeatureDeclarations);
    return new ProcessingRegistry(
      features.flatMap((f) => f.activities),
      features.flatMap((f) => f.recipients),
      personalDataFields(),
    );
  }

  get registry(): ProcessingRegistry {
    if (!this.current) throw new Error('the processing registry is not loaded yet');
    return this.current;
  }

  lintFindings(): LintFinding[] {
    return [...this.findings];
  }

  /** The stored version of a declaration as of this start (`activity:<id>` or `recipient:<id>`). */
  version(kind: 'activity' | 'recipient', id: string): VersionInfo | undefined {
    return this.versionInfo.get(`${kind}:${id}`);
  }
}
