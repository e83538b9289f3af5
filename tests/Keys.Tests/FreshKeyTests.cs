using TrustedOss.Keys.ApiKeys;

namespace TrustedOss.Keys.Tests;

public sealed class FreshKeyTests
{
    [Fact]
    public async Task A_key_whose_prefix_is_taken_is_made_again_and_the_next_one_stored()
    {
        var made = new Queue<string>(["tos_0000000a_x", "tos_0000000b_y"]);
        var offered = new List<string>();

        var stored = await FreshKey.StoreAsync(made.Dequeue, raw => $"described {raw}", (key, raw) =>
        {
            offered.Add(key);
            return Task.FromResult(raw != "tos_0000000a_x");
        });

        Assert.Equal("described tos_0000000b_y", stored);
        Assert.Equal(["described tos_0000000a_x", "described tos_0000000b_y"], offered);
    }

    [Fact]
    public async Task Keys_whose_prefixes_keep_clashing_are_given_up_after_a_few()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() => FreshKey.StoreAsync(() => $"tos_{attempts++}", raw => raw, (_, _) => Task.FromResult(false)));

        Assert.Equal(FreshKey.Attempts, attempts);
    }
}
