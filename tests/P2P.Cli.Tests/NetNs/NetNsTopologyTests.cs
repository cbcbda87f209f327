using System.Diagnostics;
using Xunit.Abstractions;

namespace P2P.Cli.Tests.NetNs;

/// <summary>The namespace fixture itself: what it builds, that it leaves nothing behind, and the nft script it applies.</summary>
public sealed class NetNsTopologyTests
{
    private readonly ITestOutputHelper _output;

    public NetNsTopologyTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void LossRuleset_ZeroPercent_OnlyRemovesTheTable()
    {
        var script = NetNsTopology.LossRuleset(0);
        Assert.Equal("table inet p2ploss\ndelete table inet p2ploss\n", script);
        Assert.Contains("numgen random mod 100 < 20 drop", NetNsTopology.LossRuleset(20), StringComparison.Ordinal);
        Assert.Contains("hook input", NetNsTopology.LossRuleset(20), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Create_ThenDispose_BuildsAddressedNodesAndLeavesNothingBehind()
    {
        NetNsTopology.SkipUnlessCanRun();
        string[] names;
        using (var topology = NetNsTopology.Create(3, seed: 5))
        {
            names = [topology.Switch, .. Enumerable.Range(0, 3).Select(topology.Namespace)];
            Assert.All(names, n => Assert.Contains(n, ListNamespaces()));
            var eth0 = HostCommand.Run("ip", "-n", topology.Namespace(2), "-4", "addr", "show", "dev", "eth0");
            Assert.Contains($"{topology.Address(2)}/24", eth0, StringComparison.Ordinal);
            topology.SetRate("100mbit");
            topology.SetLoss(5);
            Assert.Contains("tbf", HostCommand.Run("tc", "-n", topology.Switch, "qdisc", "show", "dev", "v1"), StringComparison.Ordinal);
            var rules = HostCommand.Run("ip", "netns", "exec", topology.Namespace(0), "nft", "list", "ruleset");
            Assert.Contains("numgen random mod 100 < 5", rules, StringComparison.Ordinal);
            topology.SetLoss(0);
            Assert.DoesNotContain("numgen", HostCommand.Run("ip", "netns", "exec", topology.Namespace(0), "nft", "list", "ruleset"), StringComparison.Ordinal);
        }
        var left = ListNamespaces();
        Assert.All(names, n => Assert.DoesNotContain(n, left));
    }

    [SkippableFact]
    public void SweepLeftovers_NamespaceOfADeadRun_IsDeleted()
    {
        NetNsTopology.SkipUnlessCanRun();
        // A pid that certainly belonged to a process that has exited: one we started and waited for.
        using var gone = Process.Start("true") ?? throw new InvalidOperationException("could not start true");
        gone.WaitForExit();
        var leftover = $"{NetNsTopology.Prefix}{gone.Id}x1-n1";
        HostCommand.Run("ip", "netns", "add", leftover);
        try
        {
            NetNsTopology.SweepLeftovers();
            Assert.DoesNotContain(leftover, ListNamespaces());
        }
        finally
        {
            HostCommand.TryRun("ip", null, "netns", "del", leftover);
        }
    }

    private static HashSet<string> ListNamespaces() =>
        HostCommand.Run("ip", "netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToHashSet();
}
