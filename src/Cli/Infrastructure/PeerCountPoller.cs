using System.Text.Json;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// While a `get` streams from a daemon, asks the daemon's `bitswap/stat` once a second how many peers have sent
/// blocks since the get began and shows that on the progress bar. Runs only when the bar is drawn.
/// </summary>
internal sealed class PeerCountPoller : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly DaemonClient _daemon;
    private readonly ProgressBar _bar;
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PeerCountPoller(DaemonClient daemon, ProgressBar bar, Dictionary<string, long> baseline, CancellationToken ct)
    {
        _daemon = daemon;
        _bar = bar;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = RunAsync(baseline, _stop.Token);
    }

    /// <summary>Starts polling when <paramref name="bar"/> is drawn; otherwise returns null and asks nothing.</summary>
    public static async Task<PeerCountPoller?> StartAsync(DaemonClient daemon, ProgressBar bar, CancellationToken ct)
    {
        if (!bar.Enabled)
            return null;
        return new PeerCountPoller(daemon, bar, await ReadAsync(daemon, ct), ct);
    }

    private async Task RunAsync(Dictionary<string, long> baseline, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var now = await ReadAsync(_daemon, ct);
                var peers = now.Count(p => p.Value > baseline.GetValueOrDefault(p.Key));
                _bar.SetExtra($"{peers} peer{(peers == 1 ? "" : "s")}");
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or CliException or JsonException)
        {
            // The bar is decoration: a failed poll never fails the get.
        }
    }

    /// <summary>Bytes received so far from each peer.</summary>
    private static async Task<Dictionary<string, long>> ReadAsync(DaemonClient daemon, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("bitswap/stat", null, ct);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var ledger in answer.GetProperty("Ledgers").EnumerateArray())
            result[ledger.GetProperty("Peer").GetString()!] = ledger.GetProperty("BytesReceived").GetInt64();
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
