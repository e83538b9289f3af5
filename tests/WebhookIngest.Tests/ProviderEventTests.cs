using TrustedOss.WebhookIngest.Receiving;

namespace TrustedOss.WebhookIngest.Tests;

/// <summary>What each published example delivery asks for (CONTRACT §4 step 7).</summary>
public sealed class ProviderEventTests
{
    [Fact]
    public void A_GitHub_branch_push_scans_its_branch_at_the_pushed_commit()
    {
        var pushed = ProviderEvent.FromGitHub("push", Fixture.Json("github-push-new-branch"));

        Assert.Equal(("push", true, "master", "6113728f27ae82c7b1a177c8d03f9e96e0adf246"), (pushed.EventType, pushed.Scans, pushed.Ref, pushed.CommitSha));
        Assert.Contains("https://github.com/Codertocat/Hello-World.git", pushed.RepositoryUrls);
        Assert.Contains("git@github.com:Codertocat/Hello-World.git", pushed.RepositoryUrls);
    }

    [Fact]
    public void A_GitHub_push_that_deletes_a_ref_scans_nothing() =>
        Assert.False(ProviderEvent.FromGitHub("push", Fixture.Json("github-push")).Scans);

    [Theory]
    [InlineData("github-pull_request-opened", "pull_request.opened", true)]
    [InlineData("github-pull_request-synchronize", "pull_request.synchronize", true)]
    [InlineData("github-pull_request-closed", "pull_request.closed", false)]
    public void A_GitHub_pull_request_scans_its_head_when_opened_or_updated(string fixture, string eventType, bool scans)
    {
        var pull = ProviderEvent.FromGitHub("pull_request", Fixture.Json(fixture));

        Assert.Equal((eventType, scans), (pull.EventType, pull.Scans));
        Assert.Equal("changes", pull.Ref);
        Assert.Matches("^[0-9a-f]{40}$", pull.CommitSha!);
    }

    [Fact]
    public void A_GitHub_pull_request_from_a_fork_scans_the_head_GitHub_keeps_in_this_repository()
    {
        var payload = Fixture.Node("github-pull_request-opened");
        payload["pull_request"]!["head"]!["repo"]!["full_name"] = "someone/Hello-World";

        var pull = ProviderEvent.FromGitHub("pull_request", Fixture.Json(payload));

        Assert.Equal((true, "refs/pull/2/head"), (pull.Scans, pull.Ref));
        Assert.Equal(payload["pull_request"]!["head"]!["sha"]!.GetValue<string>(), pull.CommitSha);
    }

    [Fact]
    public void A_GitHub_pull_request_whose_fork_is_gone_scans_the_head_GitHub_keeps()
    {
        var payload = Fixture.Node("github-pull_request-opened");
        payload["pull_request"]!["head"]!["repo"] = null;

        Assert.Equal("refs/pull/2/head", ProviderEvent.FromGitHub("pull_request", Fixture.Json(payload)).Ref);
    }

    [Fact]
    public void A_GitHub_ping_is_ignored_but_still_names_its_repository()
    {
        var ping = ProviderEvent.FromGitHub("ping", Fixture.Json("github-ping"));

        Assert.False(ping.Scans);
        Assert.NotEmpty(ping.RepositoryUrls);
    }

    [Fact]
    public void A_GitLab_push_scans_its_branch_at_the_checked_out_commit()
    {
        var pushed = ProviderEvent.FromGitLab("Push Hook", Fixture.Json("gitlab-push-hook"));

        Assert.Equal((true, "master", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"), (pushed.Scans, pushed.Ref, pushed.CommitSha));
        Assert.Contains("http://example.com/mike/diaspora.git", pushed.RepositoryUrls);
    }

    [Theory]
    [InlineData("gitlab-merge-request-open", "Merge Request Hook.open", true)]
    [InlineData("gitlab-merge-request-merge", "Merge Request Hook.merge", false)]
    public void A_GitLab_merge_request_scans_its_source_branch_when_opened_or_updated(string fixture, string eventType, bool scans)
    {
        var request = ProviderEvent.FromGitLab("Merge Request Hook", Fixture.Json(fixture));

        Assert.Equal((eventType, scans, "ms-viewport", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7"),
            (request.EventType, request.Scans, request.Ref, request.CommitSha));
        Assert.Contains("http://example.com/gitlabhq/gitlab-test.git", request.RepositoryUrls);
    }

    [Fact]
    public void A_GitLab_merge_request_from_a_fork_scans_the_head_GitLab_keeps_in_this_project()
    {
        var payload = Fixture.Node("gitlab-merge-request-open");
        payload["object_attributes"]!["source_project_id"] = 99;

        var request = ProviderEvent.FromGitLab("Merge Request Hook", Fixture.Json(payload));

        Assert.Equal((true, "refs/merge-requests/1/head"), (request.Scans, request.Ref));
    }

    [Theory]
    [InlineData("Tag Push Hook")]
    [InlineData("Issue Hook")]
    [InlineData("System Hook")]
    public void Other_GitLab_events_are_ignored(string eventName) =>
        Assert.False(ProviderEvent.FromGitLab(eventName, Fixture.Json("gitlab-push-hook")).Scans);

    [Fact]
    public void Every_repository_address_of_a_delivery_is_tried_and_empty_ones_are_not()
    {
        var github = Fixture.Node("github-push-new-branch");
        github["repository"]!["git_url"] = "";

        Assert.Equal(
            ["https://github.com/Codertocat/Hello-World.git", "git@github.com:Codertocat/Hello-World.git", "https://github.com/Codertocat/Hello-World"],
            ProviderEvent.FromGitHub("push", Fixture.Json(github)).RepositoryUrls);
        Assert.Equal(
            ["http://example.com/mike/diaspora.git", "git@example.com:mike/diaspora.git", "http://example.com/mike/diaspora"],
            ProviderEvent.FromGitLab("Push Hook", Fixture.Json("gitlab-push-hook")).RepositoryUrls);
    }

    [Fact]
    public void A_GitLab_push_scans_the_checked_out_commit_and_a_deleting_one_scans_nothing()
    {
        var moved = Fixture.Node("gitlab-push-hook");
        moved["after"] = "1111111111111111111111111111111111111111";
        var deleted = Fixture.Node("gitlab-push-hook");
        deleted["after"] = "0000000000000000000000000000000000000000";
        deleted["checkout_sha"] = null;

        Assert.Equal("da1560886d4f094c3e6c9ef40349f7d38b5d27d7", ProviderEvent.FromGitLab("Push Hook", Fixture.Json(moved)).CommitSha);
        Assert.False(ProviderEvent.FromGitLab("Push Hook", Fixture.Json(deleted)).Scans);
    }

    [Fact]
    public void A_GitLab_push_without_a_checked_out_commit_scans_the_pushed_one()
    {
        var push = Fixture.Node("gitlab-push-hook");
        push.Remove("checkout_sha");
        push["after"] = "1111111111111111111111111111111111111111";

        var pushed = ProviderEvent.FromGitLab("Push Hook", Fixture.Json(push));

        Assert.Equal((true, "1111111111111111111111111111111111111111"), (pushed.Scans, pushed.CommitSha));
    }

    [Fact]
    public void A_push_without_a_commit_scans_nothing()
    {
        var push = Fixture.Node("github-push-new-branch");
        push.Remove("after");

        Assert.False(ProviderEvent.FromGitHub("push", Fixture.Json(push)).Scans);
    }

    [Theory]
    [InlineData("refs/heads/main", "main")]
    [InlineData("refs/heads/feature/x", "feature/x")]
    [InlineData("refs/tags/v1.0", "refs/tags/v1.0")]
    [InlineData("refs/heads/", "refs/heads/")]
    public void A_pushed_branch_is_named_as_triggers_name_it_and_tags_keep_their_full_name(string pushedRef, string scanned)
    {
        var push = Fixture.Node("github-push-new-branch");
        push["ref"] = pushedRef;

        Assert.Equal(scanned, ProviderEvent.FromGitHub("push", Fixture.Json(push)).Ref);
    }

    [Theory]
    [InlineData("github", "push", """{"ref":"refs/heads/\ud800","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}""")]
    [InlineData("github", "ping", """{"repository":{"clone_url":"\ud800"}}""")]
    [InlineData("gitlab", "Push Hook", """{"project":{"web_url":"\udc00"}}""")]
    public void A_field_holding_an_unpaired_surrogate_is_no_event_at_all(string provider, string eventName, string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);

        Assert.Null(ProviderEvent.Read(provider, eventName, json.RootElement));
    }

    [Theory]
    [InlineData("""{"action":"opened","pull_request":1}""")]
    [InlineData("""{"action":"opened","pull_request":"x"}""")]
    [InlineData("""{"action":"opened","pull_request":{"head":[]}}""")]
    [InlineData("""{"action":"opened","repository":[]}""")]
    public void A_GitHub_pull_request_of_the_wrong_shape_names_no_ref_or_commit(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);

        var pull = ProviderEvent.Read(WebhookProvider.GitHub, "pull_request", json.RootElement)!;

        Assert.Equal(("pull_request.opened", null, null), (pull.EventType, pull.Ref, pull.CommitSha));
    }
}
