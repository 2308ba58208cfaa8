export * from "./backupBucket";
export * from "./cluster/cluster";
export * from "./config";
export * from "./platform";
export * from "./s3Backup";
export * from "./services";
export * from "./superserver";
export * from "./workloadComponent";
