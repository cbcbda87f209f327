using System.Net;
using P2P.Node.Hosting.Discovery;

namespace P2P.Node.Tests.Hosting.Discovery;

/// <summary>Which interfaces LAN discovery multicasts on, given the listen address: none at all on loopback.</summary>
public sealed class LanInterfaceTests
{
    private static readonly LanInterface Eth0 = new(2, "eth0", IPAddress.Parse("192.168.1.10"), 24);
    private static readonly LanInterface Eth1 = new(3, "eth1", IPAddress.Parse("10.4.0.2"), 16);

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.5")]
    [InlineData("::1")]
    [InlineData("::")]
    public void ForListen_LoopbackOrIPv6_IsNoInterface(string listen) =>
        Assert.Empty(LanInterface.ForListen(IPAddress.Parse(listen), [Eth0, Eth1]));

    [Fact]
    public void ForListen_Unspecified_IsEveryInterface() =>
        Assert.Equal([Eth0, Eth1], LanInterface.ForListen(IPAddress.Any, [Eth0, Eth1]));

    [Fact]
    public void ForListen_OneAddress_IsTheInterfaceThatHoldsIt()
    {
        Assert.Equal([Eth1], LanInterface.ForListen(IPAddress.Parse("10.4.0.2"), [Eth0, Eth1]));
        Assert.Empty(LanInterface.ForListen(IPAddress.Parse("10.9.9.9"), [Eth0, Eth1]));
    }

    [Theory]
    [InlineData("192.168.1.200", true)]
    [InlineData("192.168.2.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("fe80::1", false)]
    public void OnSubnet_IsThePrefixMatch(string address, bool expected) =>
        Assert.Equal(expected, Eth0.OnSubnet(IPAddress.Parse(address)));
}
