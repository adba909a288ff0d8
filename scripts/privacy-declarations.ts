import { existsSync } from 'node:fs';
import { PrivacyModule } from '../libs/privacy/src/privacy.module.js';
import type { ActivityDeclaration, RecipientDeclaration } from '../libs/privacy/src/declarations.js';
import type { ControllerDetails } from '../libs/privacy/src/record/art30-record.js';
import { personalDataFields } from '../libs/privacy/src/registry/personal-data.decorator.js';
import type { PersonalDataField } from '../libs/privacy/src/registry/registry.js';
import { ConfigurationError, validateConfig } from '../src/config/app-config.js';

/** Everything the privacy command-line tools read: the registry's input plus the controller's identity. */
export interface AppDeclarations {
  activities: readonly ActivityDeclaration[];
  recipients: readonly RecipientDeclaration[];
  personalDataFields: readonly PersonalDataField[];
  controller: ControllerDetails;
}

/**
 * The application's declarations, without booting the application or opening a database: loading
 * the application module loads every module file, and each `PrivacyModule.forFeature(...)` call
 * records its declarations as it runs (entity files record their `@PersonalData` fields likewise).
 */
export async function collectDeclarations(): Promise<AppDeclarations> {
  await import('../src/app.module.js');
  let config;
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    config = validateConfig(process.env);
  } catch (error) {
    throw new Error(error instanceof ConfigurationError ? error.message : String(error), { cause: error });
  }
  const features = PrivacyModule.declaredFeatures();
  return {
    activities: features.flatMap((f) => f.activities),
    recipients: features.flatMap((f) => f.recipients),
    personalDataFields: personalDataFields(),
    controller: {
      name: config.PRIVACY_CONTROLLER_NAME,
      address: config.PRIVACY_CONTROLLER_ADDRESS,
      contact: config.PRIVACY_CONTROLLER_CONTACT,
      ...(config.PRIVACY_DPO_CONTACT
        ? { dpo: { name: 'Data protection officer', contact: config.PRIVACY_DPO_CONTACT } }
        : {}),
    },
  };
}
