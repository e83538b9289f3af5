using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.Keys.People;

internal static class CurrentUserFilter
{
    /// <summary>
    /// People only (JWT): loads the caller fresh from the database, so a deactivated user or a
    /// changed membership takes effect at once, whatever the token says.
    /// </summary>
    public static TBuilder RequireActiveUser<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Caller() is not { IsUser: true, UserId: { } userId })
            {
                return AuthenticationRequired.Result(http);
            }

            var user = await http.RequestServices.GetRequiredService<PeopleStore>().CurrentAsync(userId, http.RequestAborted);
            if (user is null)
            {
                return AuthenticationRequired.Result(http);
            }

            http.Items[typeof(CurrentUser)] = user;
            return await next(context);
        });

    public static CurrentUser CurrentUser(this HttpContext http) =>
        http.Items[typeof(CurrentUser)] as CurrentUser ?? throw new InvalidOperationException("The endpoint lacks RequireActiveUser().");
}
