using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>
/// A star of Linux network namespaces made for one test: a "switch" namespace holding a bridge, and one namespace
/// per node joined to it by a veth pair (eth0 in the node, vN on the bridge), each node its own host at 10.X.Y.N/24.
/// Loss is an nftables rule dropping inbound UDP at random on every node's eth0 (so each datagram crossing the star
/// meets exactly one coin toss); bandwidth is a tbf qdisc on both ends of every veth, capping each node's upload and
/// download. The kernel here has no netem, which is why loss comes from nftables' numgen and not from tc.
/// Needs root, iproute2 and nftables; <see cref="MissingReason"/> says what is absent.
/// </summary>
public sealed partial class NetNsTopology : IDisposable
{
    /// <summary>Every namespace a test makes starts with this, then the test process's id: p2pnt{pid}x{n}-….</summary>
    public const string Prefix = "p2pnt";

    private const string LossTable = "p2ploss";
    private static readonly Lazy<string?> Missing = new(Probe);
    private static int _created;
    private readonly List<string> _made = [];
    private readonly byte[] _subnet;
    private int _disposed;

    private NetNsTopology(string name, int nodes, int seed)
    {
        Name = name;
        Count = nodes;
        // Each topology is an island with no route to the host or to other topologies, so equal subnets could not
        // clash; a seeded pick still keeps two concurrent runs apart in captures and logs.
        var random = new Random(seed);
        _subnet = [10, (byte)random.Next(64, 192), (byte)random.Next(0, 256)];
    }

    /// <summary>The common part of this topology's namespace names.</summary>
    public string Name { get; }

    public int Count { get; }

    public string Switch => $"{Name}-sw";

    /// <summary>The namespace of node <paramref name="node"/> (0-based).</summary>
    public string Namespace(int node) => $"{Name}-n{node + 1}";

    /// <summary>Node <paramref name="node"/>'s address on its eth0.</summary>
    public IPAddress Address(int node) => new([_subnet[0], _subnet[1], _subnet[2], (byte)(node + 1)]);

    /// <summary>Why namespace tests cannot run here (not root, a tool or kernel feature missing), or null when they can.</summary>
    public static string? MissingReason() => Missing.Value;

    /// <summary>
    /// Returns where namespace tests can run. Elsewhere the test is reported as skipped with the reason (never as
    /// passed); under CI (CI=true) a missing prerequisite fails it instead, since scripts/test.sh installs them.
    /// </summary>
    public static void SkipUnlessCanRun()
    {
        if (MissingReason() is not { } missing)
            return;
        Assert.False(Environment.GetEnvironmentVariable("CI") == "true", $"CI must run the network-namespace tests, but: {missing}");
        Skip.If(true, missing);
    }

    /// <summary>Builds the switch and <paramref name="nodes"/> connected node namespaces; sweeps leftovers of dead runs first.</summary>
    public static NetNsTopology Create(int nodes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, 250);
        SweepLeftovers();
        var topology = new NetNsTopology(NextName(), nodes, seed);
        try
        {
            topology.Build();
        }
        catch
        {
            topology.Dispose();
            throw;
        }
        return topology;
    }

    /// <summary>A fresh name for one lab of this process (p2pnt{pid}x{n}), the shape <see cref="SweepLeftovers"/> knows.</summary>
    internal static string NextName() => $"{Prefix}{Environment.ProcessId}x{Interlocked.Increment(ref _created)}";

    private void Build()
    {
        AddNamespace(Switch);
        HostCommand.Run("ip", "-n", Switch, "link", "add", "br0", "type", "bridge");
        HostCommand.Run("ip", "-n", Switch, "link", "set", "br0", "up");
        for (var i = 0; i < Count; i++)
        {
            var ns = Namespace(i);
            var port = $"v{i + 1}";
            AddNamespace(ns);
            // Created inside the switch namespace with the far end moved straight into the node's: the host's own
            // namespace never sees these interfaces, so names cannot clash with a parallel run.
            HostCommand.Run("ip", "-n", Switch, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            HostCommand.Run("ip", "-n", Switch, "link", "set", port, "master", "br0");
            HostCommand.Run("ip", "-n", Switch, "link", "set", port, "up");
            HostCommand.Run("ip", "-n", ns, "addr", "add", $"{Address(i)}/24", "dev", "eth0");
            HostCommand.Run("ip", "-n", ns, "link", "set", "eth0", "up");
        }
    }

    private void AddNamespace(string ns)
    {
        HostCommand.Run("ip", "netns", "add", ns);
        _made.Add(ns);
        HostCommand.Run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    /// <summary>
    /// Drops <paramref name="percent"/> % of UDP datagrams arriving on every node's eth0, at random (nftables numgen);
    /// 0 removes the rule. Inbound rather than outbound: a drop in the output hook makes sendto() fail with EPERM,
    /// which a real lossy path never does.
    /// </summary>
    public void SetLoss(int percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        for (var i = 0; i < Count; i++)
            ApplyLoss(Namespace(i), percent);
    }

    /// <summary>The nft script that replaces the loss table (creating it first makes the delete safe on a fresh namespace).</summary>
    public static string LossRuleset(int percent)
    {
        var reset = $"table inet {LossTable}\ndelete table inet {LossTable}\n";
        if (percent == 0)
            return reset;
        return reset + string.Create(CultureInfo.InvariantCulture, $$"""
            table inet {{LossTable}} {
              chain in {
                type filter hook input priority 0; policy accept;
                iifname "eth0" meta l4proto udp numgen random mod 100 < {{percent}} drop
              }
            }

            """);
    }

    private static void ApplyLoss(string ns, int percent) =>
        HostCommand.RunWithInput("ip", LossRuleset(percent), "netns", "exec", ns, "nft", "-f", "-");

    /// <summary>Caps every node's upload and download at <paramref name="rate"/> (tc syntax, e.g. 200mbit) with tbf.</summary>
    public void SetRate(string rate)
    {
        for (var i = 0; i < Count; i++)
        {
            Tbf(Namespace(i), "eth0", rate);
            Tbf(Switch, $"v{i + 1}", rate);
        }
    }

    private static void Tbf(string ns, string dev, string rate) =>
        HostCommand.Run("tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "tbf", "rate", rate, "burst", "64kb", "latency", "50ms");

    /// <summary>Deletes namespaces of this prefix whose test process is gone (a crashed or killed earlier run).</summary>
    public static int SweepLeftovers()
    {
        var (code, list, _) = HostCommand.TryRun("ip", null, "netns", "list");
        if (code != 0)
            return 0;
        var removed = 0;
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var ns = line.Split(' ')[0];
            var match = OwnName().Match(ns);
            if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}"))
                continue;
            Delete(ns);
            removed++;
        }
        return removed;
    }

    /// <summary>Kills what still runs inside <paramref name="ns"/> (only our own daemons can be there) and deletes it.</summary>
    internal static void Delete(string ns)
    {
        var (code, pids, _) = HostCommand.TryRun("ip", null, "netns", "pids", ns);
        if (code == 0)
        {
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                HostCommand.TryRun("kill", null, "-KILL", pid.Trim());
        }
        HostCommand.TryRun("ip", null, "netns", "del", ns);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "network namespaces need Linux";
        if (!Environment.IsPrivilegedProcess)
            return "creating network namespaces needs root";
        foreach (var (tool, flag, package) in new[] { ("ip", "-V", "iproute2"), ("tc", "-V", "iproute2"), ("nft", "--version", "nftables") })
        {
            if (HostCommand.TryRun(tool, null, flag).ExitCode != 0)
                return $"`{tool}` is missing: install {package}";
        }
        // The kernel may still lack namespaces, nf_tables or tbf: try each once in a namespace of our own.
        var probe = $"{Prefix}{Environment.ProcessId}x0-probe";
        try
        {
            var steps = new[]
            {
                ("ip", (string?)null, new[] { "netns", "add", probe }),
                ("ip", null, new[] { "-n", probe, "link", "set", "lo", "up" }),
                ("ip", LossRuleset(1).Replace("\"eth0\"", "\"lo\"", StringComparison.Ordinal), new[] { "netns", "exec", probe, "nft", "-f", "-" }),
                ("tc", null, new[] { "-n", probe, "qdisc", "add", "dev", "lo", "root", "tbf", "rate", "1gbit", "burst", "64kb", "latency", "50ms" }),
            };
            foreach (var (tool, stdin, args) in steps)
            {
                var (code, _, stderr) = HostCommand.TryRun(tool, stdin, args);
                if (code != 0)
                    return $"{tool} {string.Join(' ', args)} failed: {stderr.Trim()}";
            }
            return null;
        }
        finally
        {
            HostCommand.TryRun("ip", null, "netns", "del", probe);
        }
    }

    [GeneratedRegex(@"^p2pnt(\d+)x\d+-")]
    private static partial Regex OwnName();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Nodes first, the switch last: deleting a node namespace destroys its veth end, and with it the bridge port.
        for (var i = _made.Count - 1; i >= 0; i--)
            Delete(_made[i]);
    }
}
