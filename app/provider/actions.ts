"use server";

import {
  createOfferAction,
  pauseOfferAction,
  resumeOfferAction,
  updateOfferAction,
} from "@/lib/services/offers/actions";
import {
  createApiKeyAction,
  registerProviderAction,
  revokeApiKeyAction,
} from "@/lib/services/providers/actions";
import {
  previewResolutionAction,
  removeIdleOfferAction,
} from "@/lib/services/providers/page-actions";

/** The provider pages' entry points: thin, each through defineAction (session, zod, service). */

export async function registerProvider(raw: unknown) {
  return registerProviderAction(raw);
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
  return removeIdleOfferAction(raw);
}
export async function createApiKey(raw: unknown) {
  return createApiKeyAction(raw);
}
export async function revokeApiKey(raw: unknown) {
  return revokeApiKeyAction(raw);
}
export async function previewResolution(raw: unknown) {
  return previewResolutionAction(raw);
}
