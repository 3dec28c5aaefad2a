// What support lists cases by: the case's search attributes, upserted from the model after every
// change, only when a value changed (fewer history events).
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { escalatedKey, nextDeadlineKey, outcomeKey, statusKey } from '../search-attributes';
import type { CaseModel } from './model';

/**
 * The search attributes support lists by, upserted only when one changed (fewer history events).
 * `primed`: a run continued from another starts from the values that run published (continue-as-new
 * carries the search attributes), so it upserts nothing until one changes.
 */
export function publisher(model: CaseModel, primed = false, slim = false): () => void {
  if (slim) return slimPublisher(model);
  const current = () => {
    const { state } = model;
    state.nextDeadline = model.businessDeadline();
    return [
      state.status,
      state.escalated,
      state.nextDeadline ?? null,
      state.decision?.outcome ?? null,
    ] as const;
  };
  let last = primed ? JSON.stringify(current()) : '';
  return () => {
    const values = current();
    const key = JSON.stringify(values);
    if (key === last) return;
    last = key;
    const pairs: SearchAttributeUpdatePair[] = [
      { key: statusKey, value: values[0] },
      { key: escalatedKey, value: values[1] },
      { key: nextDeadlineKey, value: values[2] ? new Date(values[2]) : null },
      { key: outcomeKey, value: values[3] },
    ];
    upsertSearchAttributes(pairs);
  };
}

/**
 * Patch `slim-search-attributes` (README, "Changing the workflow safely"): each search attribute is
 * upserted only when its own value changed, and the values already on the execution (set by the
 * client's start, or carried by continue-as-new) count as published, so no upsert repeats them.
 */
function slimPublisher(model: CaseModel): () => void {
  const keys = [statusKey, escalatedKey, nextDeadlineKey, outcomeKey] as const;
  const on = workflowInfo().typedSearchAttributes;
  const published = keys.map((key) => {
    const value: unknown = on.get(key);
    return JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));
  });
  return () => {
    const { state } = model;
    state.nextDeadline = model.businessDeadline();
    const values = [
      state.status,
      state.escalated,
      state.nextDeadline ?? null,
      state.decision?.outcome ?? null,
    ];
    const pairs: SearchAttributeUpdatePair[] = [];
    values.forEach((value, i) => {
      const json = JSON.stringify(value);
      if (json === published[i]) return;
      published[i] = json;
      const key = keys[i]!;
      pairs.push({
        key,
        value: key === nextDeadlineKey && value ? new Date(value as string) : value,
      } as SearchAttributeUpdatePair);
    });
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  };
}
