/** Public addresses of a creator's posts, from the app's origin (APP_URL; "" gives paths). */
export function postUrls(appUrl: string) {
  return {
    home: (workspaceId: string) => `${appUrl}/c/${workspaceId}`,
    page: (workspaceId: string, postId: string) => `${appUrl}/c/${workspaceId}/posts/${postId}`,
    media: (postId: string, mediaId: string) => `${appUrl}/media/posts/${postId}/${mediaId}`,
    join: (workspaceId: string) => `${appUrl}/c/${workspaceId}/join`,
    signIn: (workspaceId: string) => `${appUrl}/c/${workspaceId}/sign-in`,
    account: (workspaceId: string) => `${appUrl}/c/${workspaceId}/account`,
    unsubscribe: (token: string) => `${appUrl}/newsletter/unsubscribe/${token}`,
  };
}
