import type { PersonalDataField } from './registry.js';

const fields: PersonalDataField[] = [];

/**
 * Marks an entity property as holding personal data of a registry data category, e.g.
 * `@PersonalData('contact.email')`. The linter reports a category no declared activity covers, so a
 * column of personal data cannot be added without the registry saying why it is processed.
 */
export function PersonalData(category: string): PropertyDecorator {
  return (target, property) => {
    fields.push({ entity: target.constructor.name, field: String(property), category });
  };
}

/** Every marked field of every entity class loaded so far. */
export const personalDataFields = (): readonly PersonalDataField[] => fields;
