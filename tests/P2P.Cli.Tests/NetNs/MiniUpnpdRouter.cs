using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// A home router made of namespaces: "-r" routes between its LAN (lan0, 10.X.Y.1/24) and an "internet" link (wan0),
/// masquerades what leaves by wan0 (nftables), and runs Debian's miniupnpd on lan0 with UPnP IGD and, when asked,
/// NAT-PMP/PCP. "-c" is a client behind it (default route via the router); "-p" a peer on the internet side.
/// miniupnpd 2.3.1 refuses to map when its external address is private or reserved (and has no option to allow it),
/// so the internet link carries addresses from a public block; it is a veth pair between two namespaces of this
/// test, with no route to anything else, so nothing sent there can leave the machine. The SSDP multicast stays on
/// the client's LAN link for the same reason.
/// </summary>
public sealed class MiniUpnpdRouter : IDisposable
{
    public const string Binary = "/usr/sbin/miniupnpd";

    private static int _created;
    private readonly List<string> _made = [];
    private readonly TempDir _dir = new();
    private readonly byte[] _lan;
    private readonly byte[] _wan;
    private Process? _miniupnpd;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();
    private int _disposed;

    private MiniUpnpdRouter(int seed)
    {
        var random = new Random(seed);
        Name = $"{NetNsTopology.Prefix}{Environment.ProcessId}x{900 + Interlocked.Increment(ref _created)}";
        _lan = [10, (byte)random.Next(64, 192), (byte)random.Next(0, 256)];
        _wan = [11, (byte)random.Next(64, 192), (byte)random.Next(0, 256)];
    }

    public string Name { get; }

    public string Router => $"{Name}-r";

    public string Client => $"{Name}-c";

    public string Peer => $"{Name}-p";

    public IPAddress RouterLan => new([.. _lan, 1]);

    public IPAddress ClientAddress => new([.. _lan, 2]);

    /// <summary>The router's internet-side address: what a mapping's external address must be.</summary>
    public IPAddress RouterWan => new([.. _wan, 1]);

    public IPAddress PeerAddress => new([.. _wan, 2]);

    public string MiniUpnpdLog => string.Join('\n', _log);

    /// <summary>Why miniupnpd tests cannot run here, or null.</summary>
    public static string? MissingReason() =>
        NetNsTopology.MissingReason() ?? (File.Exists(Binary) ? null : $"{Binary} is missing: install miniupnpd-nftables");

    /// <summary>As <see cref="NetNsTopology.SkipUnlessCanRun"/>, with miniupnpd too.</summary>
    public static void SkipUnlessCanRun()
    {
        if (MissingReason() is not { } missing)
            return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must run the miniupnpd test, but: {missing}");
        Skip.If(true, missing);
    }

    /// <summary>Builds the three namespaces and starts miniupnpd; returns once it listens.</summary>
    public static async Task<MiniUpnpdRouter> StartAsync(int seed, bool natPmp, CancellationToken ct)
    {
        NetNsTopology.SweepLeftovers();
        var router = new MiniUpnpdRouter(seed);
        try
        {
            router.Build();
            await router.StartMiniUpnpdAsync(natPmp, ct);
        }
        catch
        {
            router.Dispose();
            throw;
        }
        return router;
    }

    private void Build()
    {
        foreach (var ns in new[] { Router, Client, Peer })
        {
            HostCommand.Run("ip", "netns", "add", ns);
            _made.Add(ns);
            HostCommand.Run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        HostCommand.Run("ip", "-n", Router, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", Client);
        HostCommand.Run("ip", "-n", Router, "link", "add", "wan0", "type", "veth", "peer", "name", "eth0", "netns", Peer);
        Address(Router, "lan0", RouterLan);
        Address(Router, "wan0", RouterWan);
        Address(Client, "eth0", ClientAddress);
        Address(Peer, "eth0", PeerAddress);
        HostCommand.Run("ip", "-n", Client, "route", "add", "default", "via", RouterLan.ToString());
        HostCommand.Run("ip", "netns", "exec", Router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        HostCommand.RunWithInput("ip", Ruleset, "netns", "exec", Router, "nft", "-f", "-");
    }

    private static void Address(string ns, string dev, IPAddress address)
    {
        HostCommand.Run("ip", "-n", ns, "addr", "add", $"{address}/24", "dev", dev);
        HostCommand.Run("ip", "-n", ns, "link", "set", dev, "up");
    }

    /// <summary>
    /// The tables and chains miniupnpd 2.3.1's nftables backend fills (its defaults: table "filter", chains
    /// "miniupnpd", "prerouting_miniupnpd", "postrouting_miniupnpd", family inet; Debian's nft_init.sh makes the same),
    /// plus the home router's masquerade on the internet side.
    /// </summary>
    public const string Ruleset = """
        table inet filter {
          chain forward {
            type filter hook forward priority 0; policy accept;
            jump miniupnpd
          }
          chain miniupnpd {
          }
          chain prerouting {
            type nat hook prerouting priority -100; policy accept;
            jump prerouting_miniupnpd
          }
          chain postrouting {
            type nat hook postrouting priority 100; policy accept;
            jump postrouting_miniupnpd
            oifname "wan0" masquerade
          }
          chain prerouting_miniupnpd {
          }
          chain postrouting_miniupnpd {
          }
        }

        """;

    private async Task StartMiniUpnpdAsync(bool natPmp, CancellationToken ct)
    {
        var config = _dir.Combine("miniupnpd.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            ext_ifname=wan0
            listening_ip=lan0
            port=0
            enable_upnp=yes
            enable_natpmp={(natPmp ? "yes" : "no")}
            secure_mode=yes
            system_uptime=yes
            lease_file={_dir.Combine("leases")}
            uuid=3e6f4a2b-1c2d-4e5f-8a9b-0c1d2e3f4a5b
            allow 1024-65535 {ClientAddress}/32 1024-65535
            deny 0-65535 0.0.0.0/0 0-65535

            """), ct);
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", Router, Binary, "-f", config, "-d", "-P", _dir.Combine("miniupnpd.pid") })
            psi.ArgumentList.Add(a);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var expected = natPmp ? "Listening for NAT-PMP/PCP traffic" : "HTTP listening on port";
        _miniupnpd = Process.Start(psi) ?? throw new InvalidOperationException("miniupnpd did not start");
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
                return;
            _log.Enqueue(e.Data);
            if (e.Data.Contains(expected, StringComparison.Ordinal))
                ready.TrySetResult();
        };
        _miniupnpd.OutputDataReceived += onLine;
        _miniupnpd.ErrorDataReceived += onLine;
        _miniupnpd.EnableRaisingEvents = true;
        _miniupnpd.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"miniupnpd exited:\n{MiniUpnpdLog}"));
        _miniupnpd.BeginOutputReadLine();
        _miniupnpd.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20), ct);
    }

    /// <summary>The router's port-forwarding chain as nft prints it.</summary>
    public string ForwardingRules() => HostCommand.Run("ip", "netns", "exec", Router, "nft", "list", "chain", "inet", "filter", "prerouting_miniupnpd");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (_miniupnpd is { HasExited: false })
        {
            _miniupnpd.Kill(entireProcessTree: true);
            _miniupnpd.WaitForExit(5000);
        }
        _miniupnpd?.Dispose();
        for (var i = _made.Count - 1; i >= 0; i--)
        {
            var (code, pids, _) = HostCommand.TryRun("ip", null, "netns", "pids", _made[i]);
            if (code == 0)
            {
                foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    HostCommand.TryRun("kill", null, "-KILL", pid.Trim());
            }
            HostCommand.TryRun("ip", null, "netns", "del", _made[i]);
        }
        _dir.Dispose();
    }
}
