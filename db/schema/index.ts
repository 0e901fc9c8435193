export * from "./auth";
export * from "./workspaces";
export * from "./audit";
export * from "./email";
export * from "./media";
export * from "./podcasts";
export * from "./transcripts";
export * from "./billing";
