import { router } from "../../init";

export const socialInsightsRouter = router({});
