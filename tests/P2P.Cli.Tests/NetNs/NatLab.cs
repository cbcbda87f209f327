using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>How a home router rewrites what its clients send to the internet.</summary>
public enum NatKind
{
    /// <summary>
    /// Linux's default <c>masquerade</c>: one external port per internal socket whatever the destination
    /// (endpoint-independent mapping, the source port kept when free), and only replies from the exact address and
    /// port a client sent to come back in (address-and-port-dependent filtering).
    /// </summary>
    Cone,

    /// <summary><c>masquerade random,fully-random</c>: a new random external port for every destination (symmetric NAT).</summary>
    Symmetric,
}

/// <summary>A static inbound UDP forward on a router: WAN port <see cref="Port"/> to the same port of client <see cref="Client"/>.</summary>
public sealed record PortForward(int Client, int Port);

/// <summary>One home router: its NAT kind, how many clients sit on its LAN, and its inbound forwards (none by default).</summary>
public sealed record RouterSpec(NatKind Kind, int Clients = 1, IReadOnlyList<PortForward>? Forwards = null);

/// <summary>
/// A small internet in network namespaces, for proving NAT traversal against the kernel's own NAT. An "internet"
/// namespace holds a bridge; public nodes and the WAN side of every home router hang off it by veth pairs, with
/// addresses in 198.18.0.0/15 (the benchmarking range, never routed on the real internet). Each router is a
/// namespace with wan0 on the internet and a LAN bridge lan0 (10.R.0.1/24) to which its client namespaces are joined
/// (10.R.0.10 and up, default route via the router). The router forwards IPv4, and its nftables ruleset
/// (<see cref="NatRuleset"/>) masquerades what leaves wan0 as a cone or a symmetric NAT, lets replies back in, and
/// drops everything unsolicited from the WAN (counted, see <see cref="UnsolicitedDrops"/>) unless a forward says
/// otherwise. There is no route from the internet to any LAN, nor between LANs, nor to the host.
/// Names follow <see cref="NetNsTopology"/> (p2pnt{pid}x{n}-…) so its sweep removes a dead run's leftovers.
/// </summary>
public sealed partial class NatLab : IDisposable
{
    /// <summary>The nftables table each router's NAT lives in.</summary>
    public const string NatTable = "p2pnat";

    private const int CloneNewNet = 0x40000000;
    private readonly List<string> _made = [];
    private readonly IReadOnlyList<RouterSpec> _routers;
    private readonly byte _internet;
    private readonly byte _lanBase;
    private int _disposed;

    private NatLab(string name, int publicNodes, IReadOnlyList<RouterSpec> routers, int seed)
    {
        Name = name;
        PublicCount = publicNodes;
        _routers = routers;
        // Each lab is an island, so equal subnets in two labs could not clash; a seeded pick keeps captures apart.
        var random = new Random(seed);
        _internet = (byte)random.Next(0, 256);
        _lanBase = (byte)random.Next(1, 256 - routers.Count);
    }

    /// <summary>The common part of this lab's namespace names.</summary>
    public string Name { get; }

    public int PublicCount { get; }

    public int RouterCount => _routers.Count;

    /// <summary>The namespace holding the internet bridge.</summary>
    public string Internet => $"{Name}-inet";

    /// <summary>Public node <paramref name="node"/>'s namespace (0-based).</summary>
    public string Public(int node) => $"{Name}-p{node + 1}";

    /// <summary>Public node <paramref name="node"/>'s address on its eth0: 198.18.I.(11 + node).</summary>
    public IPAddress PublicAddress(int node) => new([198, 18, _internet, (byte)(11 + node)]);

    /// <summary>Router <paramref name="router"/>'s namespace.</summary>
    public string Router(int router) => $"{Name}-r{router + 1}";

    public NatKind Kind(int router) => _routers[router].Kind;

    public int ClientCount(int router) => _routers[router].Clients;

    /// <summary>Router <paramref name="router"/>'s public address on wan0: 198.18.I.(101 + router).</summary>
    public IPAddress RouterWan(int router) => new([198, 18, _internet, (byte)(101 + router)]);

    /// <summary>Router <paramref name="router"/>'s address on its LAN bridge (the clients' gateway).</summary>
    public IPAddress RouterLan(int router) => new([10, (byte)(_lanBase + router), 0, 1]);

    /// <summary>Client <paramref name="client"/> of router <paramref name="router"/>: its namespace.</summary>
    public string Client(int router, int client) => $"{Name}-r{router + 1}c{client + 1}";

    /// <summary>Client <paramref name="client"/> of router <paramref name="router"/>: its private address, 10.R.0.(10 + client).</summary>
    public IPAddress ClientAddress(int router, int client) => new([10, (byte)(_lanBase + router), 0, (byte)(10 + client)]);

    /// <summary>
    /// Builds the internet, <paramref name="publicNodes"/> public nodes and one router per spec with its clients;
    /// sweeps leftovers of dead runs first. Needs what <see cref="NetNsTopology.SkipUnlessCanRun"/> checks.
    /// </summary>
    public static NatLab Create(int publicNodes, IReadOnlyList<RouterSpec> routers, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(publicNodes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(publicNodes, 80);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(routers.Count, 100);
        foreach (var spec in routers)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(spec.Clients, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.Clients, 200);
            foreach (var forward in spec.Forwards ?? [])
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(forward.Client, spec.Clients);
        }
        NetNsTopology.SweepLeftovers();
        var lab = new NatLab(NetNsTopology.NextName(), publicNodes, routers, seed);
        try
        {
            lab.Build();
        }
        catch
        {
            lab.Dispose();
            throw;
        }
        return lab;
    }

    private void Build()
    {
        AddNamespace(Internet);
        HostCommand.Run("ip", "-n", Internet, "link", "add", "br0", "type", "bridge");
        HostCommand.Run("ip", "-n", Internet, "link", "set", "br0", "up");
        for (var p = 0; p < PublicCount; p++)
        {
            AddNamespace(Public(p));
            Attach(Internet, "br0", $"p{p + 1}", Public(p), "eth0", PublicAddress(p));
        }
        for (var r = 0; r < RouterCount; r++)
        {
            var router = Router(r);
            AddNamespace(router);
            Attach(Internet, "br0", $"r{r + 1}", router, "wan0", RouterWan(r));
            HostCommand.Run("ip", "-n", router, "link", "add", "lan0", "type", "bridge");
            HostCommand.Run("ip", "-n", router, "addr", "add", $"{RouterLan(r)}/24", "dev", "lan0");
            HostCommand.Run("ip", "-n", router, "link", "set", "lan0", "up");
            for (var c = 0; c < ClientCount(r); c++)
            {
                AddNamespace(Client(r, c));
                Attach(router, "lan0", $"c{c + 1}", Client(r, c), "eth0", ClientAddress(r, c));
                HostCommand.Run("ip", "-n", Client(r, c), "route", "add", "default", "via", RouterLan(r).ToString());
            }
            // /proc/sys/net belongs to the namespace of whoever opens it: no sysctl tool needed.
            InNamespace(router, () => File.WriteAllText("/proc/sys/net/ipv4/ip_forward", "1"));
            var forwards = (_routers[r].Forwards ?? []).Select(f => (ClientAddress(r, f.Client), f.Port)).ToArray();
            HostCommand.RunWithInput("ip", NatRuleset(Kind(r), forwards), "netns", "exec", router, "nft", "-f", "-");
        }
    }

    /// <summary>
    /// A veth from <paramref name="bridgeNs"/>'s <paramref name="bridge"/> (port <paramref name="port"/>) to
    /// <paramref name="ns"/>'s <paramref name="dev"/>, addressed <paramref name="address"/>/24. Made inside the
    /// bridge's namespace with the far end moved straight into the other, so the host never sees these interfaces.
    /// </summary>
    private static void Attach(string bridgeNs, string bridge, string port, string ns, string dev, IPAddress address)
    {
        HostCommand.Run("ip", "-n", bridgeNs, "link", "add", port, "type", "veth", "peer", "name", dev, "netns", ns);
        HostCommand.Run("ip", "-n", bridgeNs, "link", "set", port, "master", bridge);
        HostCommand.Run("ip", "-n", bridgeNs, "link", "set", port, "up");
        HostCommand.Run("ip", "-n", ns, "addr", "add", $"{address}/24", "dev", dev);
        HostCommand.Run("ip", "-n", ns, "link", "set", dev, "up");
    }

    private void AddNamespace(string ns)
    {
        HostCommand.Run("ip", "netns", "add", ns);
        _made.Add(ns);
        HostCommand.Run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    /// <summary>
    /// A router's nftables ruleset: masquerade on wan0 (<c>random,fully-random</c> for a symmetric NAT), replies and
    /// related packets back in, LAN to WAN forwarded, and everything else arriving on wan0 counted in the named
    /// counter "unsolicited" and dropped: both what would reach the router itself and what would be forwarded.
    /// Each <paramref name="forwards"/> entry DNATs a WAN UDP port to the same port of a client.
    /// </summary>
    public static string NatRuleset(NatKind kind, IReadOnlyList<(IPAddress Client, int Port)> forwards)
    {
        var masquerade = kind == NatKind.Symmetric ? "masquerade random,fully-random" : "masquerade";
        var dnat = new StringBuilder();
        foreach (var (client, port) in forwards)
            dnat.Append(CultureInfo.InvariantCulture, $"    iifname \"wan0\" udp dport {port} dnat to {client}:{port}\n");
        return $$"""
            table ip {{NatTable}}
            delete table ip {{NatTable}}
            table ip {{NatTable}} {
              counter unsolicited { }
              chain prerouting {
                type nat hook prerouting priority dstnat; policy accept;
            {{dnat}}  }
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                oifname "wan0" {{masquerade}}
              }
              chain forward {
                type filter hook forward priority filter; policy drop;
                ct state established,related accept
                iifname "lan0" oifname "wan0" accept
                iifname "wan0" ct status dnat accept
                iifname "wan0" counter name "unsolicited" drop
              }
              chain input {
                type filter hook input priority filter; policy accept;
                iifname "wan0" ct state established,related accept
                iifname "wan0" counter name "unsolicited" drop
              }
            }

            """;
    }

    /// <summary>Packets router <paramref name="router"/> has dropped as unsolicited on its WAN side so far.</summary>
    public long UnsolicitedDrops(int router)
    {
        var listing = HostCommand.Run("ip", "netns", "exec", Router(router), "nft", "list", "counter", "ip", NatTable, "unsolicited");
        var match = CounterPackets().Match(listing);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException($"no packet count in: {listing}");
    }

    /// <summary>Runs <paramref name="tool"/> inside <paramref name="ns"/> (ip netns exec) and returns its stdout; throws when it fails.</summary>
    public static string Exec(string ns, string tool, params string[] args) =>
        HostCommand.Run("ip", ["netns", "exec", ns, tool, .. args]);

    /// <summary>
    /// A UDP socket created inside <paramref name="ns"/> and bound to <paramref name="bind"/>: a socket belongs to the
    /// network namespace of the thread that created it, so a short-lived thread joins the namespace (setns), opens
    /// and binds it, and exits; the socket then works from any thread. No external tool (socat, ncat) is needed.
    /// </summary>
    public static Socket UdpSocket(string ns, IPEndPoint bind) => InNamespace(ns, () =>
    {
        var socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(bind);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    });

    /// <summary>Runs <paramref name="action"/> on a short-lived thread that has joined <paramref name="ns"/>'s network namespace.</summary>
    public static void InNamespace(string ns, Action action) => InNamespace(ns, () =>
    {
        action();
        return true;
    });

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread that first joins <paramref name="ns"/> (setns(2) changes only
    /// the calling thread), and returns its result; the thread ends with it, so no pooled thread is left in the namespace.
    /// </summary>
    public static T InNamespace<T>(string ns, Func<T> work)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle($"/run/netns/{ns}"))
                {
                    if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                        throw new InvalidOperationException($"setns {ns} failed: errno {Marshal.GetLastPInvokeError()}");
                }
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = $"netns {ns}" };
        thread.Start();
        thread.Join();
        return failure is null ? result! : throw new InvalidOperationException($"in namespace {ns}: {failure.Message}", failure);
    }

    /// <summary>
    /// Starts `p2p daemon` on <paramref name="repo"/> inside <paramref name="ns"/>: inits the repo when it has no
    /// config, sets its bootstrap list (and any <paramref name="config"/> keys), listens on <paramref name="listen"/>
    /// with its API on the namespace's loopback. The returned daemon's Address is what it printed as its own.
    /// </summary>
    public static async Task<DaemonProcess> StartDaemonAsync(
        string ns, string repo, string listen, IReadOnlyList<string> bootstrap, CancellationToken ct,
        IReadOnlyDictionary<string, object>? config = null)
    {
        var path = Path.Combine(repo, "config.json");
        if (!File.Exists(path))
        {
            var r = await CliRunner.RunAsync(repo, "init");
            Assert.True(r.ExitCode == 0, r.Stderr);
        }
        var values = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllTextAsync(path, ct))!;
        values["listen"] = JsonSerializer.SerializeToElement(listen);
        values["bootstrap"] = JsonSerializer.SerializeToElement(bootstrap);
        foreach (var (key, value) in config ?? new Dictionary<string, object>())
            values[key] = JsonSerializer.SerializeToElement(value);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(values), ct);
        return await DaemonProcess.StartAsync(repo, ct, ns, listen);
    }

    /// <summary>The daemon's API address (/ip4/127.0.0.1/tcp/PORT, on its namespace's loopback), from the repo's api file.</summary>
    public static string ApiAddress(string repo) => File.ReadAllText(Path.Combine(repo, "api")).Trim();

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex CounterPackets();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        // Clients before their router, routers and public nodes before the internet: each deletion takes its veth
        // ends, and with them the bridge ports, along.
        for (var i = _made.Count - 1; i >= 0; i--)
            NetNsTopology.Delete(_made[i]);
    }
}
