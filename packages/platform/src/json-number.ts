/**
 * A JSON number kept as its exact source text (`12000.50`, `1E+3`, `0.1`).
 *
 * Amounts must not pass through a binary double on their way from a request to an event (SPEC: the
 * Java side writes decimals keeping their scale). The request parser wraps every number in this class;
 * the contract's schemas decide what a number may be.
 *
 * NOTE: `@commerce/contracts` is meant to own this class; until it exports one, platform defines it.
 * When it does, replace this file's body with `export { JsonNumber } from '@commerce/contracts';` so
 * that `instanceof` checks agree across packages.
 */
export class JsonNumber {
  readonly source: string;

  constructor(source: string) {
    this.source = source;
  }
}
