using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components;
using TrustedOss.Redis;
using TrustedOss.ServiceDefaults;
using TrustedOss.Web.Api;
using TrustedOss.Web.Session;

namespace TrustedOss.Web.Components;

/// <summary>
/// A page for a signed-in person: it calls the API with their access token, and when the API no
/// longer accepts the token (it expired, the person was deactivated) it ends the session and says so.
/// </summary>
public abstract class SignedInPage : ComponentBase
{
    [CascadingParameter]
    protected HttpContext HttpContext { get; set; } = default!;

    [Inject]
    internal GatewayApi Api { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    /// <summary>The person's access token, once <see cref="WithSessionAsync"/> has begun.</summary>
    protected string Token { get; private set; } = "";

    protected CancellationToken Aborted => HttpContext.RequestAborted;

    /// <summary>The signed-in person's id, as the session holds it.</summary>
    protected Guid PersonId => Guid.Parse(HttpContext.User.FindFirstValue(ClaimTypes.NameIdentifier)!);

    /// <summary>A list's page number from the query: anything but a positive number is the first page.</summary>
    protected static int PageNumberOf(string? query) =>
        int.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1;

    /// <summary>The API did not answer (or not in time): the page says so instead of failing.</summary>
    protected bool Unavailable { get; private set; }

    /// <summary>
    /// Runs page work with the person's token; a token the API refuses ends the session, and an API
    /// that does not answer leaves the page showing what it has with <see cref="Unavailable"/> set.
    /// </summary>
    protected async Task WithSessionAsync(Func<Task> work)
    {
        try
        {
            Token = await HttpContext.AccessTokenAsync();
            await work();
        }
        catch (SessionEndedException)
        {
            await HttpContext.SignOutAsync();
            Navigation.NavigateTo("/login?session_ended=1");
        }
        catch (Exception ex) when ((DependencyOutage.Is(ex) || RedisOutage.Is(ex)) && !Aborted.IsCancellationRequested)
        {
            Unavailable = true;
        }
    }

    /// <summary>An API refusal as a sentence for the page.</summary>
    internal static string Describe(Problem problem) =>
        problem.Errors is { Count: > 0 } errors
            ? $"{problem.Title}: {string.Join(" ", errors.SelectMany(e => e.Value))}"
            : $"{problem.Title}. {problem.Detail}".TrimEnd(' ', '.') + ".";
}
