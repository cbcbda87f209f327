using System.Text.Json;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// While a `get` or `cat` streams from a daemon, asks its `bitswap/stat` once a second and shows on the bar: while
/// nothing has arrived, the provider search ("looking for providers… N found"); then the peers that have sent
/// blocks since the fetch began, and those of them that left ("3 peers (1 left)"). The bytes the peers sent feed
/// the bar's rate, so blocks the daemon already held neither count as downloaded nor shorten the ETA.
/// Runs only when the bar is shown.
/// </summary>
internal sealed class PeerCountPoller : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly DaemonClient _daemon;
    private readonly ProgressBar _bar;
    private readonly string _root;
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PeerCountPoller(DaemonClient daemon, ProgressBar bar, string root, Dictionary<string, (long Bytes, bool Here)> baseline, CancellationToken ct)
    {
        _daemon = daemon;
        _bar = bar;
        _root = root;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _loop = RunAsync(baseline, _stop.Token);
    }

    /// <summary>Starts polling when <paramref name="bar"/> is shown; otherwise returns null and asks nothing.</summary>
    public static async Task<PeerCountPoller?> StartAsync(DaemonClient daemon, ProgressBar bar, string root, CancellationToken ct)
    {
        if (!bar.Enabled)
            return null;
        try
        {
            var (ledgers, _) = await ReadAsync(daemon, root, ct);
            return new PeerCountPoller(daemon, bar, root, ledgers, ct);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null; // The bar is decoration: an older daemon's answer never fails the get.
        }
    }

    private async Task RunAsync(Dictionary<string, (long Bytes, bool Here)> baseline, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var (now, fetch) = await ReadAsync(_daemon, _root, ct);
                var received = 0L;
                int serving = 0, left = 0;
                foreach (var (peer, state) in now)
                {
                    var delta = state.Bytes - baseline.GetValueOrDefault(peer).Bytes;
                    if (delta <= 0)
                        continue;
                    received += delta;
                    if (state.Here)
                        serving++;
                    else
                        left++;
                }
                _bar.SetReceived(received);
                _bar.SetExtra(Describe(received, serving, left, fetch));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or CliException or JsonException
            or KeyNotFoundException or InvalidOperationException)
        {
            // The bar is decoration: a failed poll never fails the get.
        }
    }

    /// <summary>The bar's extra text: the search while nothing came, then the peers serving and those that left.</summary>
    internal static string Describe(long received, int serving, int left, (bool Searching, int Found, int Peers)? fetch)
    {
        var found = fetch is { } f ? Math.Max(f.Found, f.Peers) : 0;
        if (serving == 0 && fetch is { } g && (g.Searching || g.Peers == 0))
            return left > 0 ? $"0 peers ({left} left), looking for providers… {found} found" : $"looking for providers… {found} found";
        if (received == 0 && left == 0)
            return fetch is null ? "" : $"{found} found";
        var text = $"{serving} peer{(serving == 1 ? "" : "s")}";
        return left > 0 ? $"{text} ({left} left)" : text;
    }

    /// <summary>Bytes received so far from each peer and whether it is still connected, and this fetch's search.</summary>
    private static async Task<(Dictionary<string, (long Bytes, bool Here)> Ledgers, (bool Searching, int Found, int Peers)? Fetch)> ReadAsync(
        DaemonClient daemon, string root, CancellationToken ct)
    {
        var answer = await daemon.PostJsonAsync("bitswap/stat", null, ct);
        var result = new Dictionary<string, (long, bool)>(StringComparer.Ordinal);
        foreach (var ledger in answer.GetProperty("Ledgers").EnumerateArray())
        {
            var here = ledger.GetProperty("Connected").GetBoolean() && !ledger.GetProperty("Dropped").GetBoolean();
            result[ledger.GetProperty("Peer").GetString()!] = (ledger.GetProperty("BytesReceived").GetInt64(), here);
        }
        (bool, int, int)? fetch = null;
        if (answer.TryGetProperty("Fetches", out var fetches))
        {
            foreach (var f in fetches.EnumerateArray())
            {
                if (f.GetProperty("Root").GetString() == root)
                    fetch = (f.GetProperty("Searching").GetBoolean(), f.GetProperty("ProvidersFound").GetInt32(), f.GetProperty("Peers").GetInt32());
            }
        }
        return (result, fetch);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
