//! The response samples of smartag-api.md §7 decode into the typed models, including the
//! API's inconsistencies: `PageNo` for `PageNumber`, `IsStaticIp` as `0` and as `true`,
//! counts sent as strings, unknown fields.

use sagroam::api::model::*;

#[test]
fn describe_regions_doc_sample() {
    let body = r#"{"RequestId":"2F026E79-30AD-47B6-9E7D-D1D4BA77F1F1","Regions":{"Region":[{"LocalName":"华东2(上海)","RegionEndpoint":"smartag.cn-shanghai.aliyuncs.com","RegionId":"cn-shanghai"}]}}"#;
    let r: DescribeRegionsResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.request_id, "2F026E79-30AD-47B6-9E7D-D1D4BA77F1F1");
    assert_eq!(
        r.regions.region,
        vec![Region {
            region_id: "cn-shanghai".into(),
            local_name: "华东2(上海)".into(),
            region_endpoint: "smartag.cn-shanghai.aliyuncs.com".into(),
        }]
    );
}

#[test]
fn client_users_current_doc_sample() {
    let body = r#"{"TotalCount":1,"PageSize":10,"RequestId":"62F4CF10-F909-487E-8E95-BC35457C5F50","PageNumber":1,
        "Users":{"User":[{"Bandwidth":2000,"State":1,"ClientIp":"10.10.10.1","UserName":"username",
        "UserMail":"username@example.com","AccelerateBandwidth":1000,"IsStaticIp":0}]}}"#;
    let r: DescribeSmartAccessGatewayClientUsersResponse = serde_json::from_str(body).unwrap();
    assert_eq!((r.total_count, r.page_size, r.page_number), (1, 10, 1));
    assert_eq!(
        r.users.user,
        vec![ClientUser {
            user_name: "username".into(),
            user_mail: "username@example.com".into(),
            bandwidth: 2000,
            client_ip: "10.10.10.1".into(),
            state: 1,
            accelerate_bandwidth: 1000,
            is_static_ip: false,
        }]
    );
    assert!(!r.users.user[0].enabled());
}

#[test]
fn client_users_2019_sample_with_page_no_static_ip_true_and_string_counts() {
    let body = r#"{"TotalCount":"3","PageSize":"2","RequestId":"R","PageNo":"2",
        "Users":{"User":[{"Bandwidth":"20","State":"0","ClientIp":"","UserName":"u1234567",
        "UserMail":"u@example.com","IsStaticIp":true,"SomethingNew":{"x":1}}]}}"#;
    let r: DescribeSmartAccessGatewayClientUsersResponse = serde_json::from_str(body).unwrap();
    assert_eq!((r.total_count, r.page_size, r.page_number), (3, 2, 2));
    let u = &r.users.user[0];
    assert_eq!(u.bandwidth, 20);
    assert!(u.is_static_ip && u.enabled());
    assert_eq!(
        u.accelerate_bandwidth, 0,
        "a missing field takes its default"
    );
}

#[test]
fn static_ip_flag_in_every_spelling() {
    for (raw, want) in [("0", false), ("1", true), ("true", true), ("false", false)] {
        for quoted in [raw.to_string(), format!("\"{raw}\"")] {
            let body = format!(r#"{{"UserName":"x","IsStaticIp":{quoted}}}"#);
            let u: ClientUser = serde_json::from_str(&body).unwrap();
            assert_eq!(u.is_static_ip, want, "IsStaticIp {quoted}");
        }
    }
}

#[test]
fn smart_access_gateways_list() {
    let body = r#"{"TotalCount":2,"PageNumber":1,"PageSize":50,"RequestId":"R",
        "SmartAccessGateways":{"SmartAccessGateway":[
          {"SmartAGId":"sag-abc","Name":"shanghai-app","Status":"Active","CidrBlock":"10.0.0.0/24,10.0.1.0/24",
           "UserCount":"2000","DataPlan":5,"MaxBandwidth":"50 M","AccelerateBandwidth":0,
           "CreateTime":1587546420000,"EndTime":"1650618420000",
           "Links":{"Link":[{"Bandwidth":"10","Type":"Wan"}]}},
          {"SmartAGId":"sag-def","Name":"","Status":"Offline","CidrBlock":"","UserCount":10}]}}"#;
    let r: DescribeSmartAccessGatewaysResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.total_count, 2);
    let list = &r.smart_access_gateways.smart_access_gateway;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].user_count, 2000);
    assert_eq!(list[0].end_time, 1_650_618_420_000);
    assert_eq!(list[0].max_bandwidth, "50 M");
    assert_eq!(list[0].cidr_blocks(), vec!["10.0.0.0/24", "10.0.1.0/24"]);
    assert!(list[1].cidr_blocks().is_empty());
}

#[test]
fn attribute_is_flat_and_names_the_instance_type() {
    let body = r#"{"RequestId":"R","SmartAGId":"sag-abc","InstanceType":"sag-software","Status":"Active",
        "CidrBlock":"10.0.9.0/24","UserCount":100,"MaxBandwidth":"50 M","EnableSoftwareConnectionAudit":false,
        "AclIds":{"AclId":[]},"Devices":{"Device":[{"SerialNumber":"sn","DistributeSkStatus":1}]}}"#;
    let r: DescribeSmartAccessGatewayAttributeResponse = serde_json::from_str(body).unwrap();
    assert_eq!(r.instance_type, ATTRIBUTE_TYPE_SOFTWARE);
    assert_eq!(r.user_count, 100);
}

#[test]
fn create_and_roam_samples() {
    let body = r#"{"UserName":"doc","RequestId":"72E82F5E-66E8-4C22-BF1F-5CEB7DC132E7","UserMail":"username@example.com","Bandwidth":20,"ClientIp":"10.0.XX.XX"}"#;
    let c: CreateSmartAccessGatewayClientUserResponse = serde_json::from_str(body).unwrap();
    assert_eq!((c.user_name.as_str(), c.bandwidth), ("doc", 20));

    let r: RequestIdResponse =
        serde_json::from_str(r#"{"RequestId": "26C24B63-5E5A-413A-9E49-FC0C0AE9DFB7"}"#).unwrap();
    assert_eq!(r.request_id, "26C24B63-5E5A-413A-9E49-FC0C0AE9DFB7");
}

#[test]
fn malformed_bodies_are_errors() {
    let bad = [
        r#"{"TotalCount":"many"}"#,
        r#"{"Users":{"User":"nope"}}"#,
        r#"<html>502 Bad Gateway</html>"#,
        "",
    ];
    for body in bad {
        let r: Result<DescribeSmartAccessGatewayClientUsersResponse, _> =
            serde_json::from_str(body);
        assert!(r.is_err(), "{body:?} should not decode");
    }
}

#[test]
fn roam_parameters_name_the_target_region() {
    let roam = RoamClientUser {
        region_id: "cn-hangzhou".into(),
        origin_region_id: "cn-shanghai".into(),
        origin_smart_ag_id: "sag-origin123".into(),
        target_smart_ag_id: "sag-target456".into(),
        user_name: "alice.w@example.com".into(),
    };
    assert_eq!(roam.region(), Some("cn-hangzhou"));
    let params: std::collections::BTreeMap<_, _> = roam.params().into_iter().collect();
    assert_eq!(params["OriginRegionId"], "cn-shanghai");
    assert_eq!(params["RegionId"], "cn-hangzhou");
    assert_eq!(params.len(), 5);
    const { assert!(!RoamClientUser::READ) };
    const { assert!(DescribeSmartAccessGatewayClientUsers::READ) };
}
