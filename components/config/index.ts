export * from "./errors";
export * from "./load";
export * from "./parse";
export * from "./primitives";
export * from "./quantity";
export * from "./rules";
export * from "./schema";
