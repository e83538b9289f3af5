using TrustedOss.AppHost;
using TrustedOss.SystemTests.Support;

namespace TrustedOss.SystemTests;

/// <summary>
/// A 200 from the webhook receiver is a promise (CONTRACT §4): every accepted delivery becomes
/// exactly one scan, even when RabbitMQ is stopped or the Scan service crashes while deliveries arrive.
/// </summary>
[Collection(SystemTestGroup.Name)]
public sealed class DeliveryDurabilityTests(SystemFixture system) : IDisposable
{
    private const int Deliveries = 8;
    private readonly Api api = new(system);
    private readonly Webhooks webhooks = new(system, new Api(system));

    public void Dispose() => webhooks.Dispose();

    [Theory]
    [InlineData(ResourceNames.RabbitMq, false)]
    [InlineData(ResourceNames.Scans, true)]
    public async Task Every_delivery_answered_while_a_part_was_down_becomes_exactly_one_scan(string stopped, bool crash)
    {
        using var repository = GitRepository.Create();
        var project = await api.ProjectAsync(await api.TeamAsync(), repository.FileUrl);
        var secret = await webhooks.SetAsync(project.Id, "github");
        var body = Webhooks.Payload("github-push-new-branch", repository.FileUrl, sha: repository.HeadSha);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var answers = new List<Webhooks.Answer>();
        if (crash)
        {
            await system.KillResourceAsync(stopped, timeout.Token);
        }
        else
        {
            await system.App.StopResourceAsync(stopped, timeout.Token);
        }

        try
        {
            for (var i = 0; i < Deliveries; i++)
            {
                answers.Add(await Webhooks.AnsweredAsync(await webhooks.GitHubAsync(secret, "push", body)));
            }
        }
        finally
        {
            await system.App.StartResourceAsync(stopped, timeout.Token);
        }

        Assert.All(answers, answer => Assert.Equal("enqueued", answer.Status));
        using var admin = await api.AdminAsync();
        foreach (var answer in answers)
        {
            Assert.Equal("succeeded", (await Scans.FinishedAsync(admin, answer.ScanId!.Value, promised: true)).Status);
        }

        Assert.Equal(Deliveries, await ScanRows.CountAsync(system, project.Id));
    }
}
