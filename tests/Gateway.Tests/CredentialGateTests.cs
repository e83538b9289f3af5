using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Credentials;
using TrustedOss.Gateway.Authentication;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.Forwarder;

namespace TrustedOss.Gateway.Tests;

/// <summary>
/// What the gateway lets through to a route, by the credential the route takes and the one
/// presented: only a verified credential of a kind the route takes, with its caller noted; every
/// other request answered before it reaches a service, a route naming no known credential included.
/// </summary>
public sealed class CredentialGateTests : IDisposable
{
    private static readonly JwtOptions Jwt = new() { SigningKey = "credential-gate-tests-signing-key-0123456789" };
    private static readonly IPAddress Client = IPAddress.Parse("127.0.0.7");

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", CultureInfo.InvariantCulture));
    private readonly KeyStateStandIn keys = new();
    private readonly MemoryCache cache;
    private readonly TestMeterFactory meters = new();
    private readonly ServiceProvider services;
    private readonly CredentialGate gate;
    private bool passed;

    public CredentialGateTests()
    {
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = 1000, Clock = new TimeProviderClock(time) });
        var verifier = new ApiKeyVerifier(cache, keys, Options.Create(KeyStateStandIn.KeyOptions),
            Options.Create(new ApiKeyVerifierOptions { FailuresPerMinute = 2 }), new GatewayMetrics(meters), time);
        services = new ServiceCollection().AddLogging().AddApiProblemDetails().BuildServiceProvider();
        gate = new CredentialGate(_ => { passed = true; return Task.CompletedTask; }, verifier, new AccessTokenValidator(Options.Create(Jwt), time));
    }

    public void Dispose()
    {
        cache.Dispose();
        meters.Dispose();
        services.Dispose();
    }

    [Theory]
    [InlineData("ci")]
    [InlineData("api-key")]
    public async Task A_good_key_passes_where_keys_are_taken_as_its_own_caller(string credential)
    {
        var key = keys.Issue();

        var (status, caller) = await SendAsync(credential, $"Bearer {key}");

        Assert.Null(status);
        Assert.Equal(CallerIdentity.ApiKey, caller?.Kind);
        Assert.Equal(key[..Credentials.ApiKeys.ApiKeyFormat.PrefixLength], keys.PrefixOf(caller!.ApiKeyId!.Value));
        Assert.Equal(Client.ToString(), caller.ClientIp);
    }

    [Theory]
    [InlineData("ci")]
    [InlineData("people")]
    public async Task A_persons_token_passes_where_people_are_taken_as_that_person(string credential)
    {
        var person = Guid.NewGuid();

        var (status, caller) = await SendAsync(credential, $"Bearer {Token(person)}");

        Assert.Null(status);
        Assert.Equal((CallerIdentity.User, person), (caller?.Kind, caller?.UserId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer tos_not-a-key")]
    public async Task A_route_that_takes_no_credential_passes_everything_untouched_and_names_no_caller(string? authorization)
    {
        var context = Request("none", authorization);
        await gate.InvokeAsync(context);

        Assert.True(passed);
        Assert.Null(GatewayCaller.Get(context));
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }

    public static TheoryData<string?, string> Refused => new()
    {
        { null, "key" },                    // a route without a known credential is shut
        { "anonymous", "token" },
        { "people", "key" },                // a key where only people may call, not even looked up
        { "api-key", "token" },             // a person where only keys may call
        { "ci", "none" },
        { "ci", "basic" },
        { "ci", "forged token" },
        { "ci", "made-up key" },
        { "api-key", "revoked key" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Anything_else_is_the_contracts_401_before_any_service(string? credential, string presented)
    {
        var key = keys.Issue();
        var authorization = presented switch
        {
            "key" => $"Bearer {key}",
            "token" => $"Bearer {Token(Guid.NewGuid())}",
            "basic" => "Basic dXNlcjpwYXNz",
            "forged token" => $"Bearer {Token(Guid.NewGuid(), "another-signing-key-0123456789abcdefgh")}",
            "made-up key" => $"Bearer {Credentials.ApiKeys.ApiKeyFormat.NewKey()}",
            "revoked key" => $"Bearer {keys.Revoke(key)}",
            _ => null,
        };

        var (status, caller) = await SendAsync(credential, authorization);

        Assert.Equal(StatusCodes.Status401Unauthorized, status);
        Assert.Null(caller);
        if (presented == "key")
        {
            Assert.Equal(0, keys.Finds);
        }
    }

    [Fact]
    public async Task A_key_that_cannot_be_checked_is_a_503_to_retry()
    {
        var key = keys.Issue();
        keys.Down = true;

        var context = Request("ci", $"Bearer {key}");
        await gate.InvokeAsync(context);

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal(ApiProblems.OutageRetryAfterSeconds.ToString(CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter.ToString());
        Assert.Contains("Credentials cannot be checked right now.", BodyOf(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_past_its_failed_checks_gets_a_429_to_retry_later()
    {
        for (var guess = 0; guess < 2; guess++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, (await SendAsync("ci", $"Bearer {Credentials.ApiKeys.ApiKeyFormat.NewKey()}")).Status);
        }

        var context = Request("ci", $"Bearer {Credentials.ApiKeys.ApiKeyFormat.NewKey()}");
        await gate.InvokeAsync(context);

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status429TooManyRequests, context.Response.StatusCode);
        Assert.Equal(KeyStateStandIn.ResetSeconds.ToString(CultureInfo.InvariantCulture), context.Response.Headers.RetryAfter.ToString());
        Assert.Contains($"Too many failed API key checks from this address. Retry after {KeyStateStandIn.ResetSeconds} seconds.", BodyOf(context),
            StringComparison.Ordinal);
    }

    private static string BodyOf(HttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());

    /// <summary>The answer's status (null when the request went on) and the caller noted for the forwarded identity.</summary>
    private async Task<(int? Status, CallerIdentity? Caller)> SendAsync(string? credential, string? authorization)
    {
        passed = false;
        var context = Request(credential, authorization);
        await gate.InvokeAsync(context);
        return (passed ? null : context.Response.StatusCode, passed ? GatewayCaller.Get(context) : null);
    }

    private DefaultHttpContext Request(string? credential, string? authorization)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = Client;
        context.Response.Body = new MemoryStream();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        var route = new RouteConfig
        {
            RouteId = "scans",
            ClusterId = "scans",
            Match = new RouteMatch { Path = "/v1/scans/{**rest}" },
            Metadata = credential is null ? null : new Dictionary<string, string> { [RouteCredentials.MetadataKey] = credential },
        };
        context.Features.Set<IReverseProxyFeature>(new ReverseProxyFeature
        {
            Route = new RouteModel(route, cluster: null, HttpTransformer.Empty),
            AllDestinations = [],
            AvailableDestinations = [],
        });
        return context;
    }

    private string Token(Guid person, string? signingKey = null) =>
        TestAccessTokens.Issue(Jwt, time.GetUtcNow().UtcDateTime, person.ToString(), signingKey);
}
