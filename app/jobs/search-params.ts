import { createLoader, createSerializer, parseAsInteger, parseAsStringLiteral } from "nuqs/server";
import { type JobFilter, jobFilters } from "@/lib/services/jobs/buyer";

/** /jobs keeps its status filter and page in the URL (nuqs parsers: a reload or a link keeps them). */
export const jobListParsers = {
  status: parseAsStringLiteral(Object.keys(jobFilters) as JobFilter[]).withDefault("all"),
  page: parseAsInteger.withDefault(1),
};

export const loadJobList = createLoader(jobListParsers);
export const serializeJobList = createSerializer(jobListParsers);
