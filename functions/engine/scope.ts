import type { Dimension, DimensionValues } from './facts.js';

/** A scope: the whole centre, or one value of one dimension. */
export type Scope =
  | { readonly dimension: 'all'; readonly value: null }
  | { readonly dimension: Dimension; readonly value: string };

export const CENTRE: Scope = { dimension: 'all', value: null };

/** True when a fact row with these dimension values belongs to the scope. */
export function inScope(scope: Scope, row: DimensionValues): boolean {
  return scope.dimension === 'all' || row[scope.dimension] === scope.value;
}

/** A stable, readable key for a scope ("all", "team:Sud"). */
export function scopeKey(scope: Scope): string {
  return scope.dimension === 'all' ? 'all' : `${scope.dimension}:${scope.value}`;
}
