/** The one JsonNumber class of the system lives in the contracts (validators check `instanceof` it). */
export { JsonNumber } from '@commerce/contracts';
