export * from "./auth";
export * from "./columns";
export * from "./events";
export * from "./gpu-catalog";
export * from "./jobs";
export * from "./leases";
export * from "./offers";
export * from "./providers";
