"use server";

import { cancelJobAction, jobStatusAction, submitJobAction } from "@/lib/services/jobs/actions";
import {
  createOfferAction,
  marketStatsAction,
  pauseOfferAction,
  removeOfferAction,
  resumeOfferAction,
  searchOffersAction,
  updateOfferAction,
} from "@/lib/services/offers/actions";
import {
  createApiKeyAction,
  missedMatchesAction,
  registerProviderAction,
  revokeApiKeyAction,
  setProviderStatusAction,
} from "@/lib/services/providers/actions";

export async function registerProvider(raw: unknown) {
  return registerProviderAction(raw);
}
export async function setProviderStatus(raw: unknown) {
  return setProviderStatusAction(raw);
}
export async function createOffer(raw: unknown) {
  return createOfferAction(raw);
}
export async function updateOffer(raw: unknown) {
  return updateOfferAction(raw);
}
export async function pauseOffer(raw: unknown) {
  return pauseOfferAction(raw);
}
export async function resumeOffer(raw: unknown) {
  return resumeOfferAction(raw);
}
export async function removeOffer(raw: unknown) {
  return removeOfferAction(raw);
}
export async function createApiKey(raw: unknown) {
  return createApiKeyAction(raw);
}
export async function revokeApiKey(raw: unknown) {
  return revokeApiKeyAction(raw);
}
export async function searchOffers(raw: unknown) {
  return searchOffersAction(raw);
}
export async function marketStats(raw: unknown) {
  return marketStatsAction(raw);
}
export async function missedMatches(raw: unknown) {
  return missedMatchesAction(raw);
}
export async function submitJob(raw: unknown) {
  return submitJobAction(raw);
}
export async function jobStatus(raw: unknown) {
  return jobStatusAction(raw);
}
export async function cancelJob(raw: unknown) {
  return cancelJobAction(raw);
}
