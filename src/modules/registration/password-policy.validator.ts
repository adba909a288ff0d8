import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { passwordProblem } from '../../common/auth/passwords.js';

/**
 * The password policy as a validation rule, so a refused password is reported with the other
 * invalid fields: at least 10 characters, at most 256, not one of the most breached passwords.
 * The message never contains the password.
 */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyKey) => {
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName: String(propertyKey),
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && passwordProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => {
          const property = args?.property ?? 'password';
          const value: unknown = args?.value;
          const problem = typeof value === 'string' ? passwordProblem(value) : 'must be a string';
          return `${property} ${problem ?? 'is not acceptable'}`;
        },
      },
    });
  };
}
