using P2P.Node.Hosting.Gateway.DelegatedRouting;

namespace P2P.Node.Tests.Gateway.DelegatedRouting;

/// <summary>IPIP-484's filters, as the spec's rules list them.</summary>
public sealed class RoutingFilterTests
{
    private static readonly PeerRecord Record = ScriptedRouter.Record(1) with
    {
        Addrs = ["/ip4/10.0.0.1/udp/4001", "/ip6/::1/udp/4001", "/ip4/10.0.0.9/udp/4001/p2p/12D3KooWRelay/p2p-circuit"],
    };

    [Fact]
    public void Parse_NoParameters_LeavesRecordsAlone()
    {
        Assert.Same(Record, RoutingFilter.Parse(null, "").Apply(Record));
    }

    [Fact]
    public void Apply_PositiveAddrFilter_KeepsOnlyMatchingAddresses()
    {
        var kept = RoutingFilter.Parse("ip6", null).Apply(Record);

        Assert.Equal(["/ip6/::1/udp/4001"], kept!.Addrs);
    }

    [Fact]
    public void Apply_NegativeAddrFilters_RemoveEveryAddressNamingThem()
    {
        var kept = RoutingFilter.Parse("!IP6,!p2p-circuit", null).Apply(Record);

        Assert.Equal(["/ip4/10.0.0.1/udp/4001"], kept!.Addrs);
    }

    [Fact]
    public void Apply_PositiveAndNegative_NeedsOneOfEachRule()
    {
        var kept = RoutingFilter.Parse("udp,!p2p-circuit", null).Apply(Record);

        Assert.Equal(["/ip4/10.0.0.1/udp/4001", "/ip6/::1/udp/4001"], kept!.Addrs);
    }

    [Fact]
    public void Apply_NoAddressLeft_DropsTheRecord()
    {
        Assert.Null(RoutingFilter.Parse("tcp", null).Apply(Record));
    }

    [Fact]
    public void Apply_UnknownAddrs_LetsARecordWithoutAddressesThrough()
    {
        var bare = Record with { Addrs = [] };

        Assert.Same(bare, RoutingFilter.Parse("unknown,tcp", null).Apply(bare));
        Assert.Null(RoutingFilter.Parse("tcp", null).Apply(bare));
    }

    [Fact]
    public void Apply_ProtocolFilter_KeepsTheWholeRecordOrDropsIt()
    {
        Assert.Same(Record, RoutingFilter.Parse(null, "transport-bitswap,TRANSPORT-P2P-EXCHANGE").Apply(Record));
        Assert.Null(RoutingFilter.Parse(null, "transport-bitswap").Apply(Record));
        Assert.Null(RoutingFilter.Parse(null, "unknown").Apply(Record));
        Assert.NotNull(RoutingFilter.Parse(null, "unknown").Apply(Record with { Protocols = [] }));
    }

    [Fact]
    public void ProtocolNames_SkipsValues()
    {
        Assert.Equal(["ip4", "udp", "p2p", "p2p-circuit"], RoutingFilter.ProtocolNames("/ip4/1.2.3.4/udp/5/p2p/12D3KooWRelay/p2p-circuit"));
    }
}
