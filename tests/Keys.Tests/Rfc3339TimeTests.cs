using TrustedOss.Keys.Audit;

namespace TrustedOss.Keys.Tests;

public sealed class Rfc3339TimeTests
{
    [Theory]
    [InlineData("2026-12-01T10:00:00Z", "2026-12-01T10:00:00.0000000")]
    [InlineData("2026-12-01t10:00:00z", "2026-12-01T10:00:00.0000000")]
    [InlineData("2026-12-01T10:00:00.5Z", "2026-12-01T10:00:00.5000000")]
    // Go's RFC3339Nano and Java's Instant write nine digits: kept to the 100 ns a DateTime holds.
    [InlineData("2026-12-01T10:00:00.123456789Z", "2026-12-01T10:00:00.1234567")]
    [InlineData("2026-12-01T10:00:00.1234567890123456789012345678901234567890Z", "2026-12-01T10:00:00.1234567")]
    [InlineData("2026-12-01T12:30:00+02:30", "2026-12-01T10:00:00.0000000")]
    [InlineData("2026-12-01T05:00:00.25-05:00", "2026-12-01T10:00:00.2500000")]
    public void A_time_any_client_writes_is_read_as_utc(string raw, string expectedUtc)
    {
        Assert.True(Rfc3339Time.TryParse(raw, out var utc));
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
        Assert.Equal(expectedUtc, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026-12-01")]
    [InlineData("2026-12-01T10:00:00")]
    [InlineData("2026-12-01 10:00:00Z")]
    [InlineData("2026-12-01T10:00:00.Z")]
    [InlineData("2026-12-01T10:00Z")]
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-12-01T25:00:00Z")]
    [InlineData("2026-12-01T10:00:00+0200")]
    [InlineData("2026-12-01T10:00:00Z ")]
    [InlineData("yesterday")]
    // Digits of other scripts are not RFC 3339's, in the fraction past what is kept neither.
    [InlineData("2026-12-01T10:00:00.1234567\u0663Z")]
    [InlineData("\u0662026-12-01T10:00:00Z")]
    public void Anything_else_is_refused(string raw) => Assert.False(Rfc3339Time.TryParse(raw, out _));
}
