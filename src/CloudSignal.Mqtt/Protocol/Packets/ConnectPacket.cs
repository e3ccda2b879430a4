namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// CONNECT (5.0 §3.1, 3.1.1 §3.1): the client's first packet. It names its own protocol level,
/// so it is self-describing: <see cref="Read"/> ignores the connection's version (a server does
/// not know it before this packet) and returns the level it found in <see cref="ProtocolVersion"/>;
/// encoding uses <see cref="ProtocolVersion"/> and requires the connection's version to agree.
/// </summary>
/// <remarks>
/// <code>
/// Protocol Name   00 04 'M' 'Q' 'T' 'T'
/// Protocol Level  04 (3.1.1) or 05 (5.0)
/// Connect Flags   User Name | Password | Will Retain | Will QoS (2) | Will | Clean Start | reserved 0
/// Keep Alive      two bytes, seconds
/// Properties      VBI length + properties (5.0 only)
/// Payload         Client Identifier, [Will Properties (5.0), Will Topic, Will Payload], [User Name], [Password]
/// </code>
/// The User Name, Password and Will flags are not stored: they follow from null-ness.
/// <c>new ConnectPacket()</c> asks for 5.0; <c>default(ConnectPacket)</c> has level 0 and is refused (0x84).
/// </remarks>
internal readonly record struct ConnectPacket : IMqttPacket
{
    private const byte UserNameFlag = 0x80;
    private const byte PasswordFlag = 0x40;
    private const byte WillRetainFlag = 0x20;
    private const byte WillFlag = 0x04;
    private const byte CleanStartFlag = 0x02;
    private const byte ReservedFlag = 0x01;

    public ConnectPacket()
    {
    }

    public PacketType Type => PacketType.Connect;

    public byte FixedHeaderFlags => 0;

    /// <summary>The Protocol Level byte: 4 for 3.1.1, 5 for 5.0.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;

    /// <summary>Clean Start (5.0) / Clean Session (3.1.1), bit 1 of the Connect Flags.</summary>
    public bool CleanStart { get; init; }

    /// <summary>Seconds; 0 turns the keep alive mechanism off (§3.1.2.10).</summary>
    public ushort KeepAlive { get; init; }

    public ConnectProperties Properties { get; init; }

    /// <summary>May be empty: the server then assigns one (3.1.1: only with Clean Session [MQTT-3.1.3-7]).</summary>
    public MqttString ClientId { get; init; }

    public ConnectWill? Will { get; init; }

    public MqttString? UserName { get; init; }

    public MqttBinary? Password { get; init; }

    private byte ConnectFlags =>
        (byte)((UserName.HasValue ? UserNameFlag : 0)
            | (Password.HasValue ? PasswordFlag : 0)
            | (Will is ConnectWill will ? will.Flags : 0)
            | (CleanStart ? CleanStartFlag : 0));

    public int GetRemainingLength(MqttProtocolVersion version)
    {
        if (ProtocolVersion is not (MqttProtocolVersion.V311 or MqttProtocolVersion.V500))
        {
            ThrowHelper.Invalid(MqttReasonCode.UnsupportedProtocolVersion, "Protocol Level", $"{(int)ProtocolVersion} is not 4 (3.1.1) or 5 (5.0)");
        }

        if (version != ProtocolVersion)
        {
            ThrowHelper.Invalid(
                MqttReasonCode.ProtocolError, "Protocol Level", $"CONNECT asks for {ProtocolVersion} but is encoded on a {version} connection");
        }

        bool v5 = ProtocolVersion == MqttProtocolVersion.V500;

        // Protocol Name (6), Protocol Level (1), Connect Flags (1), Keep Alive (2).
        int length = 10;
        if (v5)
        {
            length += PropertyWriter.SizeWithLength(Properties.GetLength());
        }
        else if (Properties != default)
        {
            ThrowHelper.Invalid(MqttReasonCode.ProtocolError, "Properties", "CONNECT properties need MQTT 5.0");
        }

        length += 2 + FieldSize.String(ClientId, "Client Identifier");
        if (!v5 && ClientId.IsEmpty && !CleanStart)
        {
            // 3.1.1 [MQTT-3.1.3-7]; the server would answer 0x02 Identifier rejected [MQTT-3.1.3-8].
            ThrowHelper.Invalid(MqttReasonCode.ClientIdentifierNotValid, "Client Identifier", "an empty client identifier needs Clean Session");
        }

        if (Will is ConnectWill will)
        {
            length += will.GetLength(v5);
        }

        if (UserName is MqttString userName)
        {
            length += 2 + FieldSize.String(userName, "User Name");
        }

        if (Password is MqttBinary password)
        {
            if (!v5 && !UserName.HasValue)
            {
                // 3.1.1 [MQTT-3.1.2-22]; 5.0 §3.1.2.9 allows a password alone. Same code as decoding.
                ThrowHelper.Invalid(MqttReasonCode.MalformedPacket, "Password", "MQTT 3.1.1 allows a password only with a user name");
            }

            length += 2 + FieldSize.Binary(password, "Password");
        }

        return length;
    }

    public void WriteBody(ref MqttWriter writer, MqttProtocolVersion version)
    {
        bool v5 = ProtocolVersion == MqttProtocolVersion.V500;
        writer.WriteUInt16(4);
        writer.WriteByte((byte)'M');
        writer.WriteByte((byte)'Q');
        writer.WriteByte((byte)'T');
        writer.WriteByte((byte)'T');
        writer.WriteByte((byte)ProtocolVersion);
        writer.WriteByte(ConnectFlags);
        writer.WriteUInt16(KeepAlive);
        if (v5)
        {
            Properties.Write(ref writer, Properties.GetLength());
        }

        writer.WriteString(ClientId);
        if (Will is ConnectWill will)
        {
            will.Write(ref writer, v5);
        }

        if (UserName is MqttString userName)
        {
            writer.WriteString(userName);
        }

        if (Password is MqttBinary password)
        {
            writer.WriteBinary(password);
        }
    }

    /// <summary>Reads a CONNECT of either level; <paramref name="version"/> is ignored (see the type's summary).</summary>
    public static ConnectPacket Read(ref MqttReader reader, in FixedHeader header, MqttProtocolVersion version)
    {
        MqttProtocolVersion level = ReadProtocol(ref reader);
        bool v5 = level == MqttProtocolVersion.V500;

        long flagsOffset = reader.Offset;
        byte flags = reader.ReadByte("Connect Flags");
        ValidateFlags(flags, v5, flagsOffset);
        bool cleanStart = (flags & CleanStartFlag) != 0;

        ushort keepAlive = reader.ReadUInt16("Keep Alive");
        ConnectProperties properties = v5 ? ConnectProperties.Read(ref reader) : default;

        // [MQTT-3.1.3-1] payload order; [MQTT-3.1.3-3] the Client Identifier is always there;
        // [MQTT-3.1.3-4] it is a UTF-8 string (else 0x81 from ReadString).
        long clientIdOffset = reader.Offset;
        MqttString clientId = reader.ReadString("Client Identifier");
        if (!v5 && clientId.IsEmpty && !cleanStart)
        {
            // 3.1.1 [MQTT-3.1.3-7]/[MQTT-3.1.3-8]: refused with 0x02 Identifier rejected, i.e. 0x85.
            ThrowHelper.Throw(
                MqttReasonCode.ClientIdentifierNotValid, "Client Identifier", clientIdOffset, "an empty client identifier needs Clean Session");
        }

        // [MQTT-3.1.2-9]: with the Will Flag the will fields MUST be present (a short packet is 0x81).
        ConnectWill? will = (flags & WillFlag) != 0
            ? ConnectWill.Read(ref reader, (MqttQos)((flags >> 3) & 0x03), (flags & WillRetainFlag) != 0, v5)
            : null;

        // 3.1.1 [MQTT-3.1.2-19]/[MQTT-3.1.3-11], 5.0 [MQTT-3.1.2-17]/[MQTT-3.1.3-12]: a UTF-8 User Name.
        MqttString? userName = (flags & UserNameFlag) != 0 ? (MqttString?)reader.ReadString("User Name") : null;

        // 3.1.1 [MQTT-3.1.2-21], 5.0 [MQTT-3.1.2-19]: Binary Data.
        MqttBinary? password = (flags & PasswordFlag) != 0 ? (MqttBinary?)reader.ReadBinary("Password") : null;
        reader.ExpectEnd("CONNECT");

        return new ConnectPacket
        {
            ProtocolVersion = level,
            CleanStart = cleanStart,
            KeepAlive = keepAlive,
            Properties = properties,
            ClientId = clientId,
            Will = will,
            UserName = userName,
            Password = password,
        };
    }

    private static MqttProtocolVersion ReadProtocol(ref MqttReader reader)
    {
        long offset = reader.Offset;
        MqttString name = reader.ReadString("Protocol Name");
        Span<byte> bytes = stackalloc byte[4];
        if (name.ByteCount == 4)
        {
            name.CopyTo(bytes);
        }

        if (name.ByteCount != 4 || !bytes.SequenceEqual("MQTT"u8))
        {
            // [MQTT-3.1.2-1]: 5.0 §3.1.2.1 names 0x84 Unsupported Protocol Version as the answer to
            // a wrong name (e.g. MQTT 3.1's "MQIsdp"): a well-formed CONNECT of another protocol,
            // not a malformed one. 3.1.1 answers the same case with return code 0x01.
            ThrowHelper.Throw(MqttReasonCode.UnsupportedProtocolVersion, "Protocol Name", offset, $"\"{name}\" is not \"MQTT\"");
        }

        offset = reader.Offset;
        byte level = reader.ReadByte("Protocol Level");
        if (level is not ((byte)MqttProtocolVersion.V311 or (byte)MqttProtocolVersion.V500))
        {
            // 3.1.1 [MQTT-3.1.2-2] (return code 0x01), 5.0 §3.1.2.2 [MQTT-3.1.2-2] (0x84).
            ThrowHelper.Throw(MqttReasonCode.UnsupportedProtocolVersion, "Protocol Level", offset, $"level {level} is not 4 (3.1.1) or 5 (5.0)");
        }

        return (MqttProtocolVersion)level;
    }

    private static void ValidateFlags(byte flags, bool v5, long offset)
    {
        if ((flags & ReservedFlag) != 0)
        {
            // [MQTT-3.1.2-3] (both levels): 5.0 says a set reserved flag is a Malformed Packet.
            ThrowHelper.Malformed("Connect Flags", offset, "reserved bit 0 is set");
        }

        int willQos = (flags >> 3) & 0x03;
        if (willQos == 3)
        {
            // 3.1.1 [MQTT-3.1.2-14], 5.0 [MQTT-3.1.2-12] ("a value of 3 is a Malformed Packet").
            ThrowHelper.Malformed("Will QoS", offset, "Will QoS is 3, which is reserved");
        }

        if ((flags & WillFlag) == 0 && (willQos != 0 || (flags & WillRetainFlag) != 0))
        {
            // 3.1.1 [MQTT-3.1.2-11]/[MQTT-3.1.2-13]/[MQTT-3.1.2-15], 5.0 [MQTT-3.1.2-11]/[MQTT-3.1.2-13]:
            // flag bits that contradict each other cannot be parsed consistently, so 0x81 like the reserved bit.
            ThrowHelper.Malformed("Connect Flags", offset, "Will QoS or Will Retain is set without the Will Flag");
        }

        if (!v5 && (flags & PasswordFlag) != 0 && (flags & UserNameFlag) == 0)
        {
            // 3.1.1 [MQTT-3.1.2-22]; 5.0 §3.1.2.9 dropped this rule.
            ThrowHelper.Malformed("Connect Flags", offset, "MQTT 3.1.1 allows the Password Flag only with the User Name Flag");
        }
    }
}
