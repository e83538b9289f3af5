using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using TrustedOss.Access;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

namespace TrustedOss.BuildingBlocks.Tests;

public sealed class KeysClientTests : IDisposable
{
    private static readonly Guid ProjectId = Guid.NewGuid();
    private static readonly Guid TeamId = Guid.NewGuid();
    private const string GitUrl = "https://git.example.com/svc.git";

    private readonly FakeTimeProvider time = new();
    private readonly ProjectFactsCache facts;
    private readonly KeysAnswers keys = new();
    private readonly KeysClient client;

    public KeysClientTests()
    {
        facts = new ProjectFactsCache(time);
        client = new KeysClient(new HttpClient(keys) { BaseAddress = new Uri("http://keys") }, facts);
    }

    [Fact]
    public async Task A_key_is_judged_here_once_the_project_is_known()
    {
        keys.Answer = HttpStatusCode.OK;
        var first = await AskAsync(Writer);
        var again = await AskAsync(Writer);

        Assert.Equal(1, keys.Calls);
        Assert.Equal(first.Access, again.Access);
        Assert.Equal(new ProjectAccess(ProjectId, TeamId, GitUrl, Visible: true, CanRead: true, CanTrigger: true, CanManage: false), again.Access);
    }

    [Fact]
    public async Task Another_key_on_a_known_project_gets_its_own_answer_without_a_call()
    {
        keys.Answer = HttpStatusCode.OK;
        await AskAsync(Writer);

        var otherTeam = await AskAsync(TeamKey(Guid.NewGuid(), "read_write"));
        var readOnly = await AskAsync(TeamKey(TeamId, "read_only"));

        Assert.Equal(1, keys.Calls);
        Assert.False(otherTeam.Access!.CanRead);
        Assert.True(otherTeam.Access.Visible);
        Assert.True(readOnly.Access!.CanRead);
        Assert.False(readOnly.Access.CanTrigger);
    }

    [Fact]
    public async Task A_person_is_always_asked_of_keys()
    {
        keys.Answer = HttpStatusCode.OK;
        var person = Person();
        await AskAsync(person);
        await AskAsync(person);

        Assert.Equal(2, keys.Calls);
    }

    [Fact]
    public async Task An_unknown_project_is_asked_again_every_time()
    {
        keys.Answer = HttpStatusCode.NotFound;
        var first = await AskAsync(Writer);
        var again = await AskAsync(Writer);

        Assert.Equal(2, keys.Calls);
        Assert.Null(first.Access);
        Assert.Null(again.Access);
        Assert.Null(again.Refused);
    }

    [Fact]
    public async Task Known_facts_are_asked_again_after_their_lifetime()
    {
        keys.Answer = HttpStatusCode.OK;
        await AskAsync(Writer);
        time.Advance(ProjectFactsCache.Lifetime - TimeSpan.FromSeconds(1));
        await AskAsync(Writer);
        Assert.Equal(1, keys.Calls);

        time.Advance(TimeSpan.FromSeconds(2));
        await AskAsync(Writer);
        Assert.Equal(2, keys.Calls);
    }

    [Fact]
    public async Task A_persons_answer_makes_the_project_known_for_keys()
    {
        keys.Answer = HttpStatusCode.OK;
        await AskAsync(Person());

        var key = await AskAsync(Writer);

        Assert.Equal(1, keys.Calls);
        Assert.True(key.Access!.CanTrigger);
    }

    [Fact]
    public async Task A_project_a_person_may_not_see_is_not_found_but_known_for_keys()
    {
        keys.Answer = HttpStatusCode.OK;
        keys.Visible = false;
        var person = await AskAsync(Person());

        var key = await AskAsync(Writer);

        Assert.Null(person.Access);
        Assert.Null(person.Refused);
        Assert.True(key.Access!.Visible);
        Assert.Equal(1, keys.Calls);
    }

    [Fact]
    public async Task Keys_failing_is_an_error_not_an_answer()
    {
        keys.Answer = HttpStatusCode.InternalServerError;

        await Assert.ThrowsAsync<HttpRequestException>(() => AskAsync(Writer));

        Assert.Null(facts.Find(ProjectId));
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task A_caller_refused_by_keys_is_refused(HttpStatusCode answer)
    {
        keys.Answer = answer;
        var (access, refused) = await AskAsync(Writer);

        Assert.Null(access);
        Assert.Equal(StatusCodes.Status401Unauthorized, refused!.StatusCode);
        Assert.Null(facts.Find(ProjectId));
    }

    [Fact]
    public async Task An_answer_about_another_project_is_not_kept()
    {
        keys.Answer = HttpStatusCode.OK;
        var asked = Guid.NewGuid();

        await AskAsync(Writer, asked);

        Assert.Null(facts.Find(asked));
        Assert.Null(facts.Find(ProjectId));
    }

    public void Dispose()
    {
        facts.Dispose();
        keys.Dispose();
    }

    /// <summary>A read_write key of the project's team.</summary>
    private static CallerIdentity Writer => TeamKey(TeamId, "read_write");

    private static CallerIdentity Person() => new(CallerIdentity.User, Guid.NewGuid());

    /// <summary>The caller's access to the project (or to <paramref name="projectId"/>), as the services ask it.</summary>
    private Task<(ProjectAccess? Access, ApiProblem? Refused)> AskAsync(CallerIdentity caller, Guid? projectId = null) =>
        client.AccessAsync(projectId ?? ProjectId, Caller(caller), CancellationToken.None);

    private static CallerIdentity TeamKey(Guid teamId, string breadth) =>
        new(CallerIdentity.ApiKey, Guid.NewGuid(), Guid.NewGuid(), ApiKeyScope.Team, teamId, PermissionBreadth: breadth);

    private static DefaultHttpContext Caller(CallerIdentity identity)
    {
        var http = new DefaultHttpContext();
        http.Features.Set(identity);
        http.Request.Headers[ForwardedIdentity.HeaderName] = "forwarded";
        return http;
    }

    /// <summary>The Keys service's internal access endpoint: an answer about <see cref="ProjectId"/> whatever was asked, or the set status.</summary>
    private sealed class KeysAnswers : HttpMessageHandler
    {
        public HttpStatusCode Answer { get; set; }

        public bool Visible { get; set; } = true;

        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            Assert.StartsWith("/internal/projects/", request.RequestUri!.AbsolutePath, StringComparison.Ordinal);
            Assert.Equal("forwarded", request.Headers.GetValues(ForwardedIdentity.HeaderName).Single());
            var response = new HttpResponseMessage(Answer);
            if (Answer == HttpStatusCode.OK)
            {
                response.Content = JsonContent.Create(
                    new ProjectAccess(ProjectId, TeamId, GitUrl, Visible, CanRead: Visible, CanTrigger: Visible, CanManage: false), options: ApiJson.Options);
            }

            return Task.FromResult(response);
        }
    }
}
