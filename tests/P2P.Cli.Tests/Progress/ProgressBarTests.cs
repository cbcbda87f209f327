using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using P2P.Cli.Infrastructure;

namespace P2P.Cli.Tests.Progress;

/// <summary>The progress display on a fake clock: its contract, its windowed rate, its ETA and its plain-line form.</summary>
public sealed partial class ProgressBarTests
{
    private const long MiB = 1 << 20;

    private static (ProgressBar Bar, FakeTimeProvider Time, StringWriter Out) Plain(long total)
    {
        var time = new FakeTimeProvider();
        var writer = new StringWriter();
        return (new ProgressBar("adding", total, ProgressMode.Plain, writer, time), time, writer);
    }

    [Fact]
    public void Part_RunningTotalsOfSeveralParts_AddUpAndNeverExceedTheirSum()
    {
        var (bar, _, _) = Plain(300 * MiB);
        var first = bar.Part();
        first.Report(50 * MiB);
        first.Report(100 * MiB);
        first.Report(100 * MiB); // A repeat counts nothing.
        var second = bar.Part();
        second.Report(200 * MiB);

        Assert.Equal(300 * MiB, bar.Done);
        Assert.StartsWith("adding 300.0 MiB / 300.0 MiB (100%)", bar.Render(), StringComparison.Ordinal);
    }

    [Fact]
    public void Advance_NegativeIncrement_IsRefused()
    {
        var (bar, _, _) = Plain(10);
        Assert.Throws<ArgumentOutOfRangeException>(() => bar.Advance(-1));
    }

    [Fact]
    public void Rate_StallLongerThanTheWindow_DropsToZero()
    {
        var (bar, time, _) = Plain(100 * MiB);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            bar.Advance(2 * MiB);
        }
        Assert.Contains(" 2.0 MiB/s ", bar.Render(), StringComparison.Ordinal);

        // Nothing more arrives: within one window the rate reads 0 and the ETA unknown, not an average since the start.
        time.Advance(ProgressBar.RateWindow + TimeSpan.FromSeconds(1));
        var stalled = bar.Render();
        Assert.Contains(" 0 B/s ETA ?", stalled, StringComparison.Ordinal);
    }

    [Fact]
    public void Eta_BlocksAlreadyHeld_DoNotCountAsDownloaded()
    {
        var time = new FakeTimeProvider();
        var bar = new ProgressBar("fetching", 100 * MiB, ProgressMode.Off, TextWriter.Null, time);
        // Half the file was in the repo already: it is written at once, but nothing came over the network.
        bar.Advance(50 * MiB);
        bar.SetReceived(0);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            bar.Advance(1 * MiB);
            bar.SetReceived((i + 1) * MiB);
        }

        // 40 MiB still missing at the network's 1 MiB/s: 40 s, not the 8 s that counting held bytes as speed would say.
        var line = bar.Render();
        Assert.Contains("(60%) 1.0 MiB/s ETA 40s", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_LinesFollowTheDocumentedFormat_AndEndAtOneHundredPercent()
    {
        var (bar, time, writer) = Plain(200 * MiB);
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            bar.Advance(10 * MiB);
        }
        bar.Dispose();

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        long last = -1;
        foreach (var line in lines)
        {
            var m = PlainLine().Match(line);
            Assert.True(m.Success, $"not the plain form: '{line}'");
            Assert.Equal("200.0 MiB", m.Groups["total"].Value);
            var percent = int.Parse(m.Groups["percent"].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(percent >= last, "percentages go forward");
            last = percent;
        }
        Assert.Equal(100, last);
        Assert.DoesNotContain('\r', writer.ToString());
    }

    [Fact]
    public void Plain_OneLinePerSecondOrFivePercent_NotOnePerReport()
    {
        var (bar, time, writer) = Plain(1000 * MiB);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            bar.Advance(MiB / 10); // 1 s, 1% of the total, in 100 reports.
        }
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 2);
    }

    [Fact]
    public void WriteAbove_OnATerminal_ClearsTheBarBeforeTheResult()
    {
        var time = new FakeTimeProvider();
        var writer = new StringWriter();
        using var bar = new ProgressBar("adding", 100, ProgressMode.Terminal, writer, time, width: 40);
        bar.Advance(50);
        time.Advance(TimeSpan.FromMilliseconds(250)); // The redraw timer draws the bar.
        Assert.Contains("adding 50 B / 100 B (50%)", writer.ToString(), StringComparison.Ordinal);

        bar.WriteAbove(() => writer.Write("added X\n"));

        Assert.EndsWith("\r" + new string(' ', 40) + "\radded X\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_PeersThatLeft_AreCounted()
    {
        Assert.Equal("looking for providers… 2 found", PeerCountPoller.Describe(0, 0, 0, (true, 2, 0)));
        Assert.Equal("3 peers (1 left)", PeerCountPoller.Describe(10, 3, 1, (false, 4, 3)));
        Assert.Equal("1 peer", PeerCountPoller.Describe(10, 1, 0, (false, 1, 1)));
    }

    /// <summary>docs/PROGRESS.md's plain line: label, done / total (percent%), rate/s, ETA, then optional extra text.</summary>
    [GeneratedRegex(@"^(?<label>\w+) (?<done>[\d.]+ [KMGT]?i?B) / (?<total>[\d.]+ [KMGT]?i?B) \((?<percent>\d+)%\) (?<rate>[\d.]+ [KMGT]?i?B)/s ETA (?<eta>\S+)(  (?<extra>.*))?$")]
    private static partial Regex PlainLine();
}
