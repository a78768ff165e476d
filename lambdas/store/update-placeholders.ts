import type { StoredValue } from '../core/model';

/**
 * Placeholders for an UpdateItem's names and values, numbered as they are asked for, so that
 * SSM's field names never clash with DynamoDB's reserved words.
 */
export class UpdatePlaceholders {
  readonly names: Record<string, string>;
  readonly values: Record<string, StoredValue | Set<string>>;

  constructor(names: Record<string, string> = {}, values: Record<string, StoredValue | Set<string>> = {}) {
    this.names = { ...names };
    this.values = { ...values };
  }

  name(attribute: string): string {
    const placeholder = `#a${Object.keys(this.names).length}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: StoredValue | Set<string>): string {
    const placeholder = `:v${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}
