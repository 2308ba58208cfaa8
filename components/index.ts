export * from "./backupBucket";
export * from "./config";
export * from "./services";
export * from "./superserver";
export * from "./workloadComponent";
