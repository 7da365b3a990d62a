"use server";

import { cancelJobAction, jobStatusAction, submitJobAction } from "@/lib/services/jobs/actions";

// The buyer's job actions. The provider pages' actions are app/provider/actions.ts, the New job
// page's live quote app/jobs/new/actions.ts; each is a thin entry point to a defineAction service.

export async function submitJob(raw: unknown) {
  return submitJobAction(raw);
}
export async function jobStatus(raw: unknown) {
  return jobStatusAction(raw);
}
export async function cancelJob(raw: unknown) {
  return cancelJobAction(raw);
}
