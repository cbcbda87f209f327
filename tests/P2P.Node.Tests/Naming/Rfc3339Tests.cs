using P2P.Node.Naming;

namespace P2P.Node.Tests.Naming;

public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData(0L, "2026-12-07T12:00:00Z")]
    [InlineData(5_000_000L, "2026-12-07T12:00:00.5Z")]
    [InlineData(1L, "2026-12-07T12:00:00.0000001Z")]
    public void Format_IsGosRfc3339Nano(long ticks, string expected) =>
        Assert.Equal(expected, Rfc3339.Format(new DateTimeOffset(2026, 12, 7, 13, 0, 0, TimeSpan.FromHours(1)).AddTicks(ticks)));

    [Fact]
    public void TryParse_KeepsNanosecondsBelowATick()
    {
        Assert.True(Rfc3339.TryParse("1970-01-01T00:00:00.000000001Z", out var time, out var nanos));
        Assert.Equal(DateTimeOffset.UnixEpoch, time);
        Assert.Equal(1, nanos);
        Assert.True(Rfc3339.TryParse("2026-12-07T13:00:00.25+01:00", out time, out nanos));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero).AddMilliseconds(250), time);
        Assert.Equal(0, nanos);
    }

    [Theory]
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("2026-01-01 00:00:00Z")]
    [InlineData("2026-01-01T00:00:00.1234567890Z")]
    [InlineData("2026-01-01T00:00:00")]
    [InlineData("")]
    public void TryParse_NotRfc3339_IsFalse(string text) => Assert.False(Rfc3339.TryParse(text, out _, out _));
}
