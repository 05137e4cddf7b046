//! `server routes` lists every endpoint with who may call it.

use std::process::Command;

#[test]
fn routes_prints_every_endpoint_with_its_callers() {
    let output = Command::new(env!("CARGO_BIN_EXE_server")).arg("routes").env_remove("DATABASE_URL").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), app::api::ENDPOINTS.len());
    assert!(lines.contains(&"/api/auth/login public"), "{text}");
    assert!(lines.contains(&"/api/specialists/list public"), "{text}");
    assert!(lines.contains(&"/api/users/create Admin"), "{text}");
    assert!(lines.contains(&"/api/patients/get Admin,Specialist,Patient,FamilyMember"), "{text}");
    for line in lines {
        let (path, callers) = line.split_once(' ').unwrap();
        assert!(path.starts_with("/api/") && path.matches('/').count() == 3, "{line}");
        assert!(
            callers == "public"
                || callers.split(',').all(|r| ["Admin", "Specialist", "Patient", "FamilyMember"].contains(&r)),
            "{line}"
        );
    }
}
