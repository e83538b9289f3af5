using TrustedOss.Scans.Running;

namespace TrustedOss.Scans.Tests;

public sealed class NeverStartedWatchTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(2);
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_scan_counts_once_two_looks_a_settle_apart_find_no_request_waiting()
    {
        var watch = new NeverStartedWatch(Settle);
        var scan = Guid.NewGuid();

        Assert.Empty(watch.Due([scan], noneWaiting: true, Start));
        Assert.Empty(watch.Due([scan], noneWaiting: true, Start + Settle - TimeSpan.FromSeconds(1)));
        Assert.Equal([scan], watch.Due([scan], noneWaiting: true, Start + Settle));
    }

    [Fact]
    public void No_scan_counts_while_a_request_waits_but_the_first_look_without_one_still_does()
    {
        var watch = new NeverStartedWatch(Settle);
        var (seenBefore, seenOnlyAfter) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Empty(watch.Due([seenBefore], noneWaiting: true, Start));
        Assert.Empty(watch.Due([seenBefore, seenOnlyAfter], noneWaiting: false, Start + Settle));

        // The first look's finding stands: the request had gone out and was not waiting then.
        Assert.Equal([seenBefore], watch.Due([seenBefore, seenOnlyAfter], noneWaiting: true, Start + Settle + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_scan_that_left_the_queued_ones_between_looks_is_forgotten_and_would_start_over()
    {
        var watch = new NeverStartedWatch(Settle);
        var (started, other) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Empty(watch.Due([started, other], noneWaiting: true, Start));
        Assert.Empty(watch.Due([other], noneWaiting: true, Start + TimeSpan.FromSeconds(30)));

        Assert.Equal([other], watch.Due([started, other], noneWaiting: true, Start + Settle));
    }

    [Fact]
    public void Nothing_queued_forgets_every_sighting()
    {
        var watch = new NeverStartedWatch(Settle);
        var scan = Guid.NewGuid();

        Assert.Empty(watch.Due([scan], noneWaiting: true, Start));
        Assert.Empty(watch.Due([], noneWaiting: false, Start + TimeSpan.FromSeconds(1)));

        Assert.Empty(watch.Due([scan], noneWaiting: true, Start + Settle));
    }
}
