using System.Net;
using System.Text;
using P2P.Node.Nat.PortMapping;

namespace P2P.Node.Tests.Nat;

/// <summary>SSDP answers, IGD descriptions and SOAP answers: what is taken, and the hostile ones that are not.</summary>
public class UpnpParsingTests
{
    private static readonly IPAddress Gateway = IPAddress.Parse("10.77.1.1");
    private static readonly Uri Location = new("http://10.77.1.1:5000/rootDesc.xml");

    [Fact]
    public void Search_IsAnMSearchForTheGatewayDevice()
    {
        var text = Encoding.ASCII.GetString(SsdpMessage.Search());
        Assert.StartsWith("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n", text, StringComparison.Ordinal);
        Assert.Contains("MAN: \"ssdp:discover\"\r\n", text, StringComparison.Ordinal);
        Assert.Contains("ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SsdpAnswer_FromTheGateway_GivesItsLocation()
    {
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nlocation: http://10.77.1.1:5000/rootDesc.xml\r\nST: x\r\n\r\n");
        Assert.Equal(Location, SsdpMessage.ParseLocation(answer, Gateway, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: http://192.0.2.9:80/evil.xml\r\n\r\n")] // points at another host
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: http://gateway.example/desc.xml\r\n\r\n")] // a name, not the address
    [InlineData("HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nST: x\r\n\r\n")]
    [InlineData("NOTIFY * HTTP/1.1\r\nLOCATION: http://10.77.1.1:5000/rootDesc.xml\r\n\r\n")]
    [InlineData("")]
    public void SsdpAnswer_Hostile_IsRefusedWithAReason(string text)
    {
        Assert.Null(SsdpMessage.ParseLocation(Encoding.ASCII.GetBytes(text), Gateway, out var problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void SsdpAnswer_TooLong_IsRefused()
    {
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nLOCATION: http://10.77.1.1:5000/rootDesc.xml\r\nX: " + new string('a', 3000) + "\r\n\r\n");
        Assert.Null(SsdpMessage.ParseLocation(answer, Gateway, out _));
    }

    [Fact]
    public void Description_PrefersWanIpConnection_AndResolvesTheControlUrl()
    {
        var xml = Description(("urn:schemas-upnp-org:service:WANPPPConnection:1", "/ctl/PPP"), ("urn:schemas-upnp-org:service:WANIPConnection:1", "/ctl/IPConn"));
        var d = IgdDescription.Parse(xml, Location, out var problem);
        Assert.Null(problem);
        Assert.Equal("urn:schemas-upnp-org:service:WANIPConnection:1", d!.ServiceType);
        Assert.Equal(new Uri("http://10.77.1.1:5000/ctl/IPConn"), d.ControlUrl);
    }

    [Theory]
    [InlineData("http://192.0.2.9/ctl")] // another host
    [InlineData("ftp://10.77.1.1/ctl")]
    public void Description_ControlUrlOffTheGateway_IsRefused(string control)
    {
        var xml = Description(("urn:schemas-upnp-org:service:WANIPConnection:1", control));
        Assert.Null(IgdDescription.Parse(xml, Location, out var problem));
        Assert.Contains("control URL", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_WithADtd_IsRefusedNotExpanded()
    {
        const string bomb = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
            <root><URLBase>&c;</URLBase></root>
            """;
        Assert.Null(IgdDescription.Parse(bomb, Location, out var problem));
        Assert.Contains("not XML", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Description_Garbage_TooLarge_OrWithoutService_IsRefused()
    {
        Assert.Null(IgdDescription.Parse("<root><device>", Location, out _));
        Assert.Null(IgdDescription.Parse("\u0000\u0001 not xml", Location, out _));
        Assert.Null(IgdDescription.Parse(Description(("urn:schemas-upnp-org:service:Layer3Forwarding:1", "/ctl/L3F")), Location, out var none));
        Assert.Contains("no WANIPConnection", none, StringComparison.Ordinal);
        var huge = "<root>" + new string(' ', IgdDescription.MaxBytes + 10) + "</root>";
        Assert.Null(IgdDescription.Parse(huge, Location, out _));
    }

    [Fact]
    public void Envelope_NamesTheActionAndEscapesValues()
    {
        var xml = UpnpSoap.Envelope("urn:schemas-upnp-org:service:WANIPConnection:1", "AddPortMapping", ("NewExternalPort", "4001"), ("NewPortMappingDescription", "a<b&c"));
        Assert.Contains("<u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">", xml, StringComparison.Ordinal);
        Assert.Contains("<NewExternalPort>4001</NewExternalPort>", xml, StringComparison.Ordinal);
        Assert.Contains("a&lt;b&amp;c", xml, StringComparison.Ordinal);
        Assert.Equal("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"", UpnpSoap.SoapAction("urn:schemas-upnp-org:service:WANIPConnection:1", "AddPortMapping"));
    }

    [Fact]
    public void Answer_OutArgumentsAndUpnpErrors_AreRead()
    {
        const string ok = """
            <?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
            <u:GetExternalIPAddressResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1"><NewExternalIPAddress>11.78.1.1</NewExternalIPAddress></u:GetExternalIPAddressResponse>
            </s:Body></s:Envelope>
            """;
        var (outs, _, _) = UpnpSoap.ParseAnswer(ok, "GetExternalIPAddress");
        Assert.Equal("11.78.1.1", outs!["NewExternalIPAddress"]);
        const string fault = """
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><detail>
            <UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError>
            </detail></s:Fault></s:Body></s:Envelope>
            """;
        var (none, code, error) = UpnpSoap.ParseAnswer(fault, "AddPortMapping");
        Assert.Null(none);
        Assert.Equal(718, code);
        Assert.Contains("ConflictInMappingEntry", error, StringComparison.Ordinal);
        Assert.Null(UpnpSoap.ParseAnswer("<html>hi</html>", "AddPortMapping").Out);
        Assert.Null(UpnpSoap.ParseAnswer("garbage", "AddPortMapping").Out);
    }

    private static string Description(params (string Type, string Control)[] services) => $"""
        <?xml version="1.0"?>
        <root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
        <deviceList><device><deviceList><device><serviceList>
        {string.Concat(services.Select(s => $"<service><serviceType>{s.Type}</serviceType><controlURL>{s.Control}</controlURL></service>"))}
        </serviceList></device></deviceList></device></deviceList></device></root>
        """;
}
