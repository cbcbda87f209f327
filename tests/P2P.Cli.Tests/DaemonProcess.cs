using System.Diagnostics;

namespace P2P.Cli.Tests;

/// <summary>
/// A `p2p daemon` child process on loopback with OS-chosen ports. Start returns once the daemon printed
/// "Daemon is ready" (an event on its stdout, not a sleep); Stop sends SIGTERM and waits for the exit.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private DaemonProcess(Process process)
    {
        _process = process;
    }

    /// <summary>The daemon's multiaddr (/ip4/127.0.0.1/udp/PORT/p2p/PEERID), from its startup lines.</summary>
    public string Address { get; private set; } = "";

    public string Output => string.Join('\n', _output);

    public int Pid => _process.Id;

    /// <summary>
    /// Starts `p2p daemon` on <paramref name="repo"/>, listening on <paramref name="listen"/> (loopback with an
    /// OS-chosen port by default), inside the network namespace <paramref name="netns"/> when one is given
    /// (through `ip netns exec`, which execs the daemon, so the process is the daemon itself).
    /// </summary>
    public static Task<DaemonProcess> StartAsync(string repo, CancellationToken ct, string? netns = null, string listen = "/ip4/127.0.0.1/udp/0") =>
        StartAsync(repo, [], ct, netns, listen);

    /// <summary>As above, with <paramref name="extraArgs"/> after the listen/api options (e.g. --gateway).</summary>
    public static async Task<DaemonProcess> StartAsync(
        string repo, IReadOnlyList<string> extraArgs, CancellationToken ct, string? netns = null, string listen = "/ip4/127.0.0.1/udp/0")
    {
        var psi = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            foreach (var a in new[] { "netns", "exec", netns, "dotnet" })
                psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "p2p.dll"));
        // A busy gateway port stops a daemon, so each test daemon takes an OS-chosen one unless the test names it.
        // The API too, unless the test names its own address.
        var gateway = extraArgs.Contains("--gateway") ? [] : new[] { "--gateway", "127.0.0.1:0" };
        var api = extraArgs.Contains("--api") ? [] : new[] { "--api", "127.0.0.1:0" };
        foreach (var a in new[] { "daemon", "--listen", listen }.Concat(api).Concat(gateway).Concat(extraArgs))
            psi.ArgumentList.Add(a);
        psi.Environment["P2P_PATH"] = repo;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var daemon = new DaemonProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start p2p daemon"));
        daemon._process.OutputDataReceived += (_, e) => daemon.OnLine(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.OnLine(e.Data);
        daemon._process.Exited += (_, _) => daemon._ready.TrySetException(new InvalidOperationException("daemon exited during start"));
        daemon._process.EnableRaisingEvents = true;
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        try
        {
            daemon.Address = await daemon._ready.Task.WaitAsync(ct);
        }
        catch (Exception e)
        {
            await daemon.DisposeAsync();
            throw new InvalidOperationException($"daemon did not start: {e.Message}\n{daemon.Output}", e);
        }
        return daemon;
    }

    /// <summary>Waiters on an output line, each with its condition; guarded by itself.</summary>
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    /// <summary>Waits until the daemon prints (stdout or stderr) a line that <paramref name="match"/> accepts, or has printed one.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match, CancellationToken ct)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (_output.FirstOrDefault(match) is { } earlier)
                return Task.FromResult(earlier);
            _waiters.Add((match, seen));
        }
        return seen.Task.WaitAsync(ct);
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_waiters)
        {
            _output.Enqueue(line);
            foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(line);
            }
        }
        if (line.StartsWith("Listening on ", StringComparison.Ordinal))
            Address = line["Listening on ".Length..].Trim();
        if (line == "Daemon is ready")
            _ready.TrySetResult(Address);
    }

    /// <summary>SIGTERM, then waits for the exit; returns the exit code.</summary>
    public async Task<int> StopAsync(CancellationToken ct)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(ct);
        }
        await _process.WaitForExitAsync(ct);
        return _process.ExitCode;
    }

    /// <summary>Waits for the daemon to exit by itself (after `p2p shutdown`); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (no clean shutdown at all), then waits for the exit.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-KILL", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync(ct);
        }
        await _process.WaitForExitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
